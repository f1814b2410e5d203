// Authentication (RFC 9051 §6.2): STARTTLS, LOGIN, AUTHENTICATE with PLAIN (RFC 4616), LOGIN
// (draft-murchison-sasl-login) and SCRAM-SHA-256 (RFC 7677), initial responses per SASL-IR (RFC 4959).
import { checkPassword } from '../../auth/credentials.js';
import { lockedText, type LoginOutcome } from '../../auth/login-guard.js';
import { scramLogin } from '../../auth/scram-exchange.js';
import type { Account } from '../../store/types.js';
import { ImapError, type CommandContext, type CommandModule, type CommandResult } from './types.js';
import { noSequenceNumbers } from './util.js';

export const starttlsCommand: CommandModule<'STARTTLS'> = {
  names: ['STARTTLS'],
  states: ['notAuthenticated'],
  usesSequenceNumbers: noSequenceNumbers,
  capabilities: ['STARTTLS'],
  async run(_cmd, ctx) {
    if (ctx.secure) throw new ImapError('BAD', null, 'TLS is already active');
    if (!ctx.starttlsAvailable) throw new ImapError('NO', null, 'STARTTLS is not available');
    // RFC 9051 §6.2.1: the handshake starts after the tagged OK; the session drops whatever
    // the client pipelined in plaintext (RFC 7817 / STARTTLS injection).
    ctx.afterTagged(() => ctx.upgradeToTls());
    return { text: 'Begin TLS negotiation now' };
  },
};

function requirePrivacy(ctx: CommandContext): void {
  // RFC 9051 §6.2.3, RFC 5530 PRIVACYREQUIRED
  if (!ctx.plaintextAuthAllowed) throw new ImapError('NO', 'PRIVACYREQUIRED', 'Use STARTTLS or TLS before sending a password');
}

async function logIn(ctx: CommandContext, user: string, password: string, authzid = ''): Promise<CommandResult> {
  const outcome = await ctx.loginGuard.attempt(user, async () => {
    const found = await checkPassword(ctx.store, ctx.logger, user, password);
    // RFC 4616 §2: an authorization identity other than the user's own is not supported.
    return found && (authzid === '' || authzid === user) ? found : null;
  });
  return concludeLogin(ctx, outcome);
}

function concludeLogin(ctx: CommandContext, outcome: LoginOutcome<Account>): CommandResult {
  // The same answer for an unknown user and a wrong password (no enumeration).
  if (outcome.kind === 'failed' || outcome.kind === 'locked') {
    ctx.authFailed();
    if (outcome.kind === 'locked') throw new ImapError('NO', 'UNAVAILABLE', lockedText(outcome.retryAfterMs));
    throw new ImapError('NO', 'AUTHENTICATIONFAILED', 'Invalid credentials');
  }
  if (outcome.kind === 'limit') {
    throw new ImapError('NO', 'LIMIT', `Too many open sessions for this user (at most ${outcome.max}); close some and try again`);
  }
  const account = outcome.account;
  ctx.setState({ kind: 'authenticated', account });
  ctx.logger.info({ user: account.login }, 'login');
  // RFC 9051 §6.2.3: a CAPABILITY code in the OK spares the client a round trip.
  return { code: `CAPABILITY ${ctx.capabilities().join(' ')}`, text: 'Logged in' };
}

export const loginCommand: CommandModule<'LOGIN'> = {
  names: ['LOGIN'],
  states: ['notAuthenticated'],
  usesSequenceNumbers: noSequenceNumbers,
  async run(cmd, ctx) {
    requirePrivacy(ctx);
    return logIn(ctx, cmd.user, cmd.password);
  },
};

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** One client response of the exchange: "*" cancels (RFC 9051 §6.2.2), anything else is base64. */
function decodeResponse(line: string | null, initial: boolean): string {
  if (line === null) throw new ImapError('BAD', null, 'Connection closed during authentication');
  if (line === '*') throw new ImapError('BAD', null, 'Authentication cancelled');
  // RFC 4959 §3: "=" is an empty initial response.
  if (initial && line === '=') return '';
  if (!BASE64.test(line)) throw new ImapError('BAD', null, 'Invalid base64 in authentication response');
  return Buffer.from(line, 'base64').toString('utf8');
}

async function ask(ctx: CommandContext, challenge: string): Promise<string> {
  await ctx.continuation(Buffer.from(challenge).toString('base64'));
  return decodeResponse(await ctx.readLine(), false);
}

/** RFC 7677: the client speaks first; without an initial response an empty challenge asks for it
 *  (RFC 4422 §3). Failures answer NO [AUTHENTICATIONFAILED] like a wrong password. */
async function authenticateScram(ctx: CommandContext, initial: string | null): Promise<CommandResult> {
  const clientFirst = initial ?? (await ask(ctx, ''));
  const outcome = await scramLogin(ctx.store, ctx.loginGuard, clientFirst, (text) => ask(ctx, text));
  if (outcome.kind === 'malformed') {
    ctx.authFailed();
    throw new ImapError('NO', 'AUTHENTICATIONFAILED', `Malformed SCRAM message: ${outcome.reason}`);
  }
  return concludeLogin(ctx, outcome);
}

export const authenticateCommand: CommandModule<'AUTHENTICATE'> = {
  names: ['AUTHENTICATE'],
  states: ['notAuthenticated'],
  usesSequenceNumbers: noSequenceNumbers,
  capabilities: ['SASL-IR', 'AUTH=PLAIN', 'AUTH=LOGIN', 'AUTH=SCRAM-SHA-256'],
  async run(cmd, ctx) {
    const mechanism = cmd.mechanism.toUpperCase();
    if (mechanism === 'SCRAM-SHA-256') {
      // No requirePrivacy: SCRAM never sends the password (capabilities.ts).
      const initial = cmd.initialResponse === null ? null : decodeResponse(cmd.initialResponse, true);
      return authenticateScram(ctx, initial);
    }
    if (mechanism !== 'PLAIN' && mechanism !== 'LOGIN') throw new ImapError('NO', null, `Unsupported authentication mechanism ${mechanism}`);
    requirePrivacy(ctx);
    const initial = cmd.initialResponse === null ? null : decodeResponse(cmd.initialResponse, true);
    if (mechanism === 'PLAIN') {
      // RFC 4616 §2: message = [authzid] NUL authcid NUL passwd
      const message = initial ?? (await ask(ctx, ''));
      const fields = message.split('\0');
      if (fields.length !== 3) throw new ImapError('BAD', null, 'Malformed PLAIN response');
      const [authzid, user, password] = fields as [string, string, string];
      return logIn(ctx, user, password, authzid);
    }
    // LOGIN: "Username:" then "Password:" challenges, each answered with base64 text.
    const user = initial ?? (await ask(ctx, 'Username:'));
    const password = await ask(ctx, 'Password:');
    return logIn(ctx, user, password);
  },
};

export const unauthenticateCommand: CommandModule<'UNAUTHENTICATE'> = {
  names: ['UNAUTHENTICATE'],
  // RFC 8437 §3: BAD in the not authenticated state.
  states: ['authenticated', 'selected'],
  usesSequenceNumbers: () => false,
  capabilities: ['UNAUTHENTICATE'],
  async run(_cmd, ctx) {
    ctx.unauthenticate();
    return { text: 'UNAUTHENTICATE completed' };
  },
};
