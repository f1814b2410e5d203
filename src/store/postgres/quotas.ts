// Quotas of the PostgreSQL store: per-account limits and usage. The usage counters are kept by
// triggers (schema.ts), so reading them is one primary-key lookup, whatever the size of the account.
import { StoreError, type Quota, type QuotaLimits } from '../types.js';
import type { PgContext, Tx } from './context.js';

interface QuotaRow {
  readonly storage_limit: number | null;
  readonly message_limit: number | null;
  readonly storage_used: number;
  readonly messages_used: number;
}

const SELECT = 'SELECT storage_limit, message_limit, storage_used, messages_used FROM quotas WHERE account_id = $1';

function required(row: QuotaRow | undefined): QuotaRow {
  if (!row) throw new StoreError('NONEXISTENT', 'The account does not exist (any more)');
  return row;
}

export async function getQuota(ctx: PgContext, accountId: number): Promise<Quota> {
  const row = required((await ctx.query<QuotaRow>(SELECT, [accountId])).rows[0]);
  return { storageLimit: row.storage_limit, messageLimit: row.message_limit, storageUsed: row.storage_used, messagesUsed: row.messages_used };
}

function validLimit(value: number | null, what: string): number | null {
  if (value === null) return null;
  if (!Number.isSafeInteger(value) || value < 0) throw new StoreError('CANNOT', `A ${what} limit must be a whole number >= 0`);
  return value;
}

export async function setQuota(ctx: PgContext, accountId: number, limits: QuotaLimits): Promise<void> {
  const storage = limits.storage === undefined ? undefined : validLimit(limits.storage, 'storage');
  const messages = limits.messages === undefined ? undefined : validLimit(limits.messages, 'message');
  await ctx.tx(async (tx) => {
    const row = required((await tx.query<QuotaRow>(`${SELECT} FOR UPDATE`, [accountId])).rows[0]);
    await tx.query('UPDATE quotas SET storage_limit = $1, message_limit = $2 WHERE account_id = $3', [
      storage === undefined ? row.storage_limit : storage,
      messages === undefined ? row.message_limit : messages,
      accountId,
    ]);
  });
}

/** Throws OVERQUOTA when adding `count` messages of `bytes` in total would pass a limit (RFC 9208 §4.1).
 *  Locks the quota row (also when not enforcing), so that parallel deliveries on any node cannot pass
 *  a limit together. */
export async function checkQuota(tx: Tx, accountId: number, bytes: number, count: number, enforce = true): Promise<void> {
  const row = required((await tx.query<QuotaRow>(`${SELECT} FOR UPDATE`, [accountId])).rows[0]);
  if (!enforce) return;
  if (row.storage_limit !== null && row.storage_used + bytes > row.storage_limit) {
    throw new StoreError('OVERQUOTA', `The account would use ${row.storage_used + bytes} bytes, its quota is ${row.storage_limit}`);
  }
  if (row.message_limit !== null && row.messages_used + count > row.message_limit) {
    throw new StoreError('OVERQUOTA', `The account would hold ${row.messages_used + count} messages, its quota is ${row.message_limit}`);
  }
}
