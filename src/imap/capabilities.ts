// The CAPABILITY list (RFC 9051 §7.2.2): derived from the registered command modules and the
// connection's state, so that only what really works is advertised (DESIGN.md "Commands are data").
import type { CommandModule, StateKind } from './commands/types.js';

export const SERVER_NAME = 'Postkeep';
export const SERVER_VERSION = '0.1.0';

export interface ConnectionFacts {
  readonly state: StateKind;
  /** TLS in use (implicit or after STARTTLS). */
  readonly secure: boolean;
  /** STARTTLS can be offered (plain connection with a certificate). */
  readonly starttls: boolean;
  /** Plaintext passwords may be sent on this connection. */
  readonly plaintextAuthAllowed: boolean;
  /** Largest message APPEND takes, advertised as APPENDLIMIT=n (RFC 7889 §3). */
  readonly appendLimit?: number;
  /** SETQUOTA works for this user (an admin, RFC 9208 §4.1.3): advertise QUOTASET. */
  readonly quotaSet?: boolean;
}

// Before authentication only what a client needs to log in is relevant; afterwards the
// login-related entries go (RFC 9051 §6.2: STARTTLS and AUTH= are meaningless once authenticated).
const PRE_AUTH_ONLY = /^(AUTH=|SASL-IR$|STARTTLS$|LOGINDISABLED$)/;

/** Mechanisms that send the password itself (refused where plaintext authentication is not allowed). */
const PLAINTEXT_MECHANISMS = new Set(['AUTH=PLAIN', 'AUTH=LOGIN']);

export function capabilityList(modules: readonly CommandModule[], facts: ConnectionFacts): string[] {
  const caps: string[] = ['IMAP4rev1', 'IMAP4rev2', 'LITERAL+'];
  for (const m of modules) for (const c of m.capabilities ?? []) if (!caps.includes(c)) caps.push(c);
  let out = caps.filter((c) => {
    if (c === 'STARTTLS') return facts.starttls && !facts.secure;
    // PLAIN and LOGIN send the password in clear; SCRAM-SHA-256 never does, so it is offered on every
    // connection, like Dovecot's non-plaintext mechanisms (RFC 9051 §6.2.2 note: the rule is about
    // plaintext password mechanisms).
    if (c.startsWith('AUTH=')) return facts.plaintextAuthAllowed || !PLAINTEXT_MECHANISMS.has(c);
    return true;
  });
  // RFC 9051 §6.2.3 / RFC 3501 §6.2.3: LOGINDISABLED when LOGIN would be refused here.
  if (!facts.plaintextAuthAllowed) out.push('LOGINDISABLED');
  // RFC 7889 §3: one limit for every mailbox, so it goes into CAPABILITY (and STATUS APPENDLIMIT).
  if (facts.appendLimit !== undefined) out.push(`APPENDLIMIT=${facts.appendLimit}`);
  // RFC 9208 §1: QUOTASET only where SETQUOTA can succeed, i.e. for an administrator.
  if (facts.quotaSet === true) out.splice(out.includes('QUOTA') ? out.indexOf('QUOTA') + 1 : out.length, 0, 'QUOTASET');
  if (facts.state !== 'notAuthenticated') out = out.filter((c) => !PRE_AUTH_ONLY.test(c));
  return out;
}
