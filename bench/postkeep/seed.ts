// Seeding a Postkeep store (either kind) through the Store interface with the plan's accounts and
// the generated mail. Not measured: the caller opens the store without fsync (SQLite) or with
// synchronous_commit off (PostgreSQL).
import { randomBytes, scryptSync } from 'node:crypto';
import { hashPassword } from '../../src/auth/password.js';
import type { Store } from '../../src/store/types.js';
import { flagsOf, internalDate, seededMessage } from '../load/messages.js';
import type { SeedPlan } from '../target.js';

/** The store's own hash format (src/auth/password.ts) with N=2^10 instead of 2^15: verifyPassword
 *  reads the cost from the stored string, so logins of thousands of idle clients stay cheap. */
function cheapHash(password: string): string {
  const salt = randomBytes(16);
  const key = scryptSync(password.normalize('NFC'), salt, 32, { N: 1 << 10, r: 8, p: 1 });
  return ['scrypt', 1 << 10, 8, 1, salt.toString('base64'), key.toString('base64')].join('$');
}

/**
 * batch 1: appendMessage per message (every message its own MODSEQ, as a client's APPENDs).
 * batch > 1: appendMessages (MULTIAPPEND) of that many at a time, one transaction each: the same
 * messages, flags and INTERNALDATEs, consecutive UIDs; the messages of one batch share a MODSEQ.
 */
export async function seedStore(store: Store, plan: SeedPlan, log: (line: string) => void, label: string, batch = 1): Promise<void> {
  for (const a of plan.accounts) {
    const account = await store.createAccount(a.login, a.cheapHash ? cheapHash(a.password) : await hashPassword(a.password));
    const inbox = await store.getMailbox(account.id, 'INBOX');
    if (!inbox) throw new Error('no INBOX');
    for (let i = 1; i <= a.inbox; ) {
      const last = Math.min(a.inbox, i + Math.max(1, batch) - 1);
      const inputs = [];
      for (let k = i; k <= last; k++) inputs.push({ bytes: seededMessage(k), flags: flagsOf(k), internalDate: internalDate(k) });
      if (inputs.length === 1 && inputs[0]) await store.appendMessage(inbox.id, inputs[0]);
      else await store.appendMessages(inbox.id, inputs);
      if (Math.floor(last / 20_000) > Math.floor((i - 1) / 20_000)) log(`  ${label}: ${a.login} ${last}/${a.inbox}`);
      i = last + 1;
    }
  }
}
