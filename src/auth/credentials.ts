// The password check that IMAP LOGIN/AUTHENTICATE PLAIN|LOGIN and POP3 USER/PASS/AUTH share. An unknown
// user costs the same time as a wrong password (no enumeration). An account made before SCRAM existed
// gets its SCRAM-SHA-256 credentials here, at its first successful password login: this is the only
// moment after `user add`/`passwd` when the server holds the password.
import type { Logger } from 'pino';
import type { Account, Store } from '../store/types.js';
import { decoyHash, verifyPassword } from './password.js';
import { deriveScramRecord } from './scram.js';

export async function checkPassword(store: Store, logger: Logger, user: string, password: string): Promise<Account | null> {
  const found = await store.findAccount(user);
  const ok = await verifyPassword(found?.passwordHash ?? (await decoyHash()), password);
  if (!ok || !found) return null;
  if (!found.scram) {
    try {
      // Only while the hash is still the one just verified (Store.setScramCredentials).
      await store.setScramCredentials(found.login, found.passwordHash, await deriveScramRecord(password));
    } catch (err) {
      // The login itself succeeded; SCRAM waits for the next one.
      logger.error({ err, user: found.login }, 'could not store SCRAM credentials');
    }
  }
  return { id: found.id, login: found.login };
}
