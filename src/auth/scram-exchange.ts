// One SCRAM-SHA-256 login over a SASL profile (IMAP AUTHENTICATE, POP3 AUTH): client-first, server-first,
// client-final, then server-final in a last challenge answered by an empty response. Neither profile
// carries data in its success answer (RFC 9051 §6.2.2 has no syntax for it, RFC 5034 §4 neither), so
// RFC 4422 §5 has the server send it as a challenge. The password check runs under the login guard
// (throttle, per-user connections) like PLAIN and LOGIN; an unknown user or one without SCRAM
// credentials goes through the same exchange with fake credentials and fails at the proof.
import type { Account, Store } from '../store/types.js';
import type { LoginGuard, LoginOutcome } from './login-guard.js';
import { fakeScramCredentials, fromScramRecord, parseClientFirst, ScramError, ScramServer, type ClientFirst } from './scram.js';

/** Sends a challenge, returns the client's decoded response; the protocol throws its own error on a
 *  cancel ("*") or bad base64. */
export type SaslChallenge = (text: string) => Promise<string>;

export type ScramOutcome = LoginOutcome<Account> | { readonly kind: 'malformed'; readonly reason: string };

/** Name of the store secret behind the fake salts (Store.serverSecret). */
export const SCRAM_SECRET_NAME = 'scram-fake-credentials';

// In the store rather than the data dir: every node of a PostgreSQL cluster must answer the same fake
// salt for a name, or comparing the answers of two nodes would tell real users from unknown ones.
const secrets = new WeakMap<Store, Promise<Buffer>>();
function secretOf(store: Store): Promise<Buffer> {
  let secret = secrets.get(store);
  if (!secret) {
    secret = store.serverSecret(SCRAM_SECRET_NAME);
    secret.catch(() => secrets.delete(store));
    secrets.set(store, secret);
  }
  return secret;
}

export async function scramLogin(store: Store, guard: LoginGuard, clientFirst: string, challenge: SaslChallenge): Promise<ScramOutcome> {
  let first: ClientFirst;
  try {
    first = parseClientFirst(clientFirst);
  } catch (err) {
    if (err instanceof ScramError) return { kind: 'malformed', reason: err.message };
    throw err;
  }
  return guard.attempt(first.username, async () => {
    const secret = await secretOf(store); // fetched either way: no timing difference from the cache
    const found = await store.findAccount(first.username);
    const real = found?.scram ? fromScramRecord(found.scram) : null;
    const server = new ScramServer(first, real ?? fakeScramCredentials(first.username, secret), real !== null);
    const clientFinal = await challenge(server.start());
    let serverFinal: string;
    try {
      serverFinal = server.finish(clientFinal);
    } catch (err) {
      if (err instanceof ScramError) return null; // wrong password, unknown user, tampering: one answer
      throw err;
    }
    // RFC 5802 §5: the client checks v= (it authenticates the server) and answers with nothing.
    if ((await challenge(serverFinal)) !== '') return null;
    return found ? { id: found.id, login: found.login } : null;
  });
}
