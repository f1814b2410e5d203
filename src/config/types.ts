// The configuration as the rest of the server sees it: validated, defaults filled in, paths absolute.
import type { Limits } from '../imap/limits.js';
import type { LmtpConfig } from './lmtp.js';

export type PlaintextAuth = 'always' | 'loopback' | 'never';
export const plaintextAuthValues: readonly PlaintextAuth[] = ['always', 'loopback', 'never'];

export type StoreKind = 'sqlite' | 'postgres';
export const storeKinds: readonly StoreKind[] = ['sqlite', 'postgres'];

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace';
export const logLevels: readonly LogLevel[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace'];

export interface Config {
  /** Absolute; where the store and the generated certificate live. */
  readonly dataDir: string;
  readonly imap: {
    /** "host:port" or "[v6]:port"; plain IMAP (STARTTLS offered). */
    readonly listen: readonly string[];
    /** Implicit TLS (IMAPS, RFC 8314). */
    readonly listenTls: readonly string[];
    /** Whether LOGIN/PLAIN may be used on a connection that is not encrypted. */
    readonly plaintextAuth: PlaintextAuth;
    /** Logins that may set quotas over IMAP (SETQUOTA, RFC 9208 §4.1.3) for any user. */
    readonly admins: readonly string[];
    readonly limits: Limits;
  };
  /** POP3 (RFC 1939) over the same store; limits and timeouts come from imap.limits. */
  readonly pop3: {
    /** Plain POP3 listeners (STLS offered); empty: none. */
    readonly listen: readonly string[];
    /** Implicit TLS (POP3S, RFC 8314); empty: none. */
    readonly listenTls: readonly string[];
    /** Whether USER/PASS and AUTH PLAIN/LOGIN may be used on a connection that is not encrypted. */
    readonly plaintextAuth: PlaintextAuth;
  };
  /** LMTP (RFC 2033) delivery from an MTA. */
  readonly lmtp: LmtpConfig;
  readonly tls: {
    /** Absolute paths, both set or both null (null: a self-signed certificate in dataDir/tls). */
    readonly cert: string | null;
    readonly key: string | null;
  };
  readonly store: {
    /** "sqlite": embedded, in dataDir. "postgres": one PostgreSQL database shared by every node. */
    readonly kind: StoreKind;
    /** postgres://... for kind "postgres" (set exactly then), null for "sqlite". */
    readonly url: string | null;
    /** PostgreSQL connections per node (plus one for LISTEN); unused by "sqlite". */
    readonly poolSize: number;
    /** "sqlite": read message bytes and body text kept in the database through a memory map; unused by "postgres". */
    readonly mmap: boolean;
  };
  readonly log: {
    readonly level: LogLevel;
  };
}

/** A configuration mistake, with a message meant for the person who wrote the file. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}
