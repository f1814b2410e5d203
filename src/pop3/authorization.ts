// The AUTHORIZATION state (RFC 1939 §4, §7): USER/PASS, AUTH (RFC 5034) with PLAIN (RFC 4616),
// LOGIN and SCRAM-SHA-256 (RFC 7677), STLS (RFC 2595 §4). Failures carry [AUTH] (RFC 3206 §4, AUTH-RESP-CODE); an unknown user
// costs the same time as a wrong password and gets the same answer (no user enumeration).
import { checkPassword } from '../auth/credentials.js';
import { lockedText, type LoginOutcome } from '../auth/login-guard.js';
import { scramLogin } from '../auth/scram-exchange.js';
import type { Account } from '../store/types.js';
import { saslMechanisms } from './capabilities.js';
import { Maildrop } from './maildrop.js';
import { Pop3Error, type Pop3Command, type Pop3Context } from './types.js';

function requirePrivacy(ctx: Pop3Context): void {
  if (!ctx.plaintextAuthAllowed) {
    throw new Pop3Error('AUTH', 'Plaintext authentication is not allowed on an unencrypted connection; use STLS first');
  }
}

function failed(ctx: Pop3Context): never {
  const last = ctx.authFailed();
  throw new Pop3Error('AUTH', last ? 'Invalid credentials; too many failures, closing the connection' : 'Invalid credentials');
}

/** Checks the password, opens the maildrop and enters TRANSACTION (RFC 1939 §4). */
async function logIn(ctx: Pop3Context, user: string, password: string, authzid = ''): Promise<void> {
  const outcome = await ctx.loginGuard.attempt(user, async () => {
    const found = await checkPassword(ctx.store, ctx.logger, user, password);
    // RFC 4616 §2: acting as another user is not supported.
    return found && (authzid === '' || authzid === user) ? found : null;
  });
  await enterTransaction(ctx, outcome);
}

/** After the check: the guard's verdict, or the maildrop opened and TRANSACTION entered. */
async function enterTransaction(ctx: Pop3Context, outcome: LoginOutcome<Account>): Promise<void> {
  if (outcome.kind === 'failed') failed(ctx);
  if (outcome.kind === 'locked') {
    ctx.authFailed();
    throw new Pop3Error('AUTH', lockedText(outcome.retryAfterMs));
  }
  // RFC 2449 §8.1.1 IN-USE: the maildrop cannot be opened now.
  if (outcome.kind === 'limit') throw new Pop3Error('IN-USE', `Too many open sessions for this user (at most ${outcome.max}); close some and try again`);
  const account = outcome.account;
  let drop: Maildrop;
  try {
    drop = await Maildrop.open(ctx.store, account.id);
  } catch (err) {
    ctx.logger.error({ err, user: account.login }, 'POP3: cannot open the maildrop');
    // RFC 3206 §5: a temporary problem on our side; the client may try again later.
    throw new Pop3Error('SYS/TEMP', 'Cannot open the maildrop now; try again later');
  }
  ctx.setState({ kind: 'transaction', account, drop });
  ctx.logger.info({ user: account.login, protocol: 'pop3' }, 'login');
  const { count, size } = drop.stat();
  await ctx.writer.ok(`Logged in, ${count} message${count === 1 ? '' : 's'} (${size} octets)`);
}

export const userCommand: Pop3Command = {
  states: ['authorization'],
  async run(args, rest, ctx) {
    requirePrivacy(ctx);
    if (rest === '') throw new Pop3Error(null, 'USER needs a user name');
    ctx.setState({ kind: 'authorization', user: rest });
    // RFC 1939 §7: the answer does not say whether the user exists.
    await ctx.writer.ok('Send the password with PASS');
  },
};

export const passCommand: Pop3Command = {
  states: ['authorization'],
  async run(_args, rest, ctx) {
    requirePrivacy(ctx);
    const s = ctx.state;
    const user = s.kind === 'authorization' ? s.user : null;
    if (user === null) throw new Pop3Error(null, 'Send USER first');
    // RFC 1939 §7: after a failed PASS the client starts again with USER.
    ctx.setState({ kind: 'authorization', user: null });
    await logIn(ctx, user, rest);
  },
};

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** One client response: "*" cancels (RFC 5034 §4), "=" is an empty initial response, else base64. */
function decode(line: string | null, initial: boolean): string {
  if (line === null) throw new Pop3Error(null, 'Connection closed during authentication');
  if (line === '*') throw new Pop3Error(null, 'Authentication cancelled');
  if (initial && line === '=') return '';
  if (!BASE64.test(line)) throw new Pop3Error(null, 'Invalid base64 in the authentication response');
  return Buffer.from(line, 'base64').toString('utf8');
}

async function ask(ctx: Pop3Context, challenge: string): Promise<string> {
  // RFC 5034 §4: "+" SP base64 challenge
  await ctx.writer.write(`+ ${Buffer.from(challenge).toString('base64')}\r\n`);
  return decode(await ctx.readLine(), false);
}

export const authCommand: Pop3Command = {
  states: ['authorization'],
  async run(args, _rest, ctx) {
    const [mechanismArg, initialArg, extra] = args;
    if (mechanismArg === undefined) {
      // "AUTH" alone lists the mechanisms (the RFC 1734 habit clients still probe with).
      await ctx.writer.list('Mechanisms follow', saslMechanisms(ctx.plaintextAuthAllowed));
      return;
    }
    if (extra !== undefined) throw new Pop3Error(null, 'AUTH takes a mechanism and at most one initial response');
    const mechanism = mechanismArg.toUpperCase();
    if (mechanism === 'SCRAM-SHA-256') {
      // No requirePrivacy: SCRAM never sends the password (capabilities.ts).
      ctx.setState({ kind: 'authorization', user: null });
      await authScram(ctx, initialArg === undefined ? null : decode(initialArg, true));
      return;
    }
    if (mechanism !== 'PLAIN' && mechanism !== 'LOGIN') throw new Pop3Error(null, `Unsupported authentication mechanism ${mechanismArg.slice(0, 40)}`);
    requirePrivacy(ctx);
    ctx.setState({ kind: 'authorization', user: null });
    const initial = initialArg === undefined ? null : decode(initialArg, true);
    if (mechanism === 'PLAIN') {
      // RFC 4616 §2: message = [authzid] NUL authcid NUL passwd
      const message = initial ?? (await ask(ctx, ''));
      const fields = message.split('\0');
      if (fields.length !== 3) {
        ctx.authFailed();
        throw new Pop3Error('AUTH', 'Malformed PLAIN response');
      }
      const [authzid, user, password] = fields as [string, string, string];
      await logIn(ctx, user, password, authzid);
      return;
    }
    const user = initial ?? (await ask(ctx, 'Username:'));
    const password = await ask(ctx, 'Password:');
    await logIn(ctx, user, password);
  },
};

/** RFC 7677 over RFC 5034: an empty challenge asks for client-first when there was no initial response. */
async function authScram(ctx: Pop3Context, initial: string | null): Promise<void> {
  const clientFirst = initial ?? (await ask(ctx, ''));
  const outcome = await scramLogin(ctx.store, ctx.loginGuard, clientFirst, (text) => ask(ctx, text));
  if (outcome.kind === 'malformed') {
    const last = ctx.authFailed();
    throw new Pop3Error('AUTH', `Malformed SCRAM message: ${outcome.reason}${last ? '; too many failures, closing the connection' : ''}`);
  }
  await enterTransaction(ctx, outcome);
}

export const stlsCommand: Pop3Command = {
  states: ['authorization'],
  async run(_args, _rest, ctx) {
    if (ctx.secure) throw new Pop3Error(null, 'TLS is already active');
    // RFC 2595 §4: forget the USER given before; the client sends CAPA again.
    ctx.setState({ kind: 'authorization', user: null });
    await ctx.writer.ok('Begin TLS negotiation now');
    ctx.startTls();
  },
};
