// Quotas of the SQLite store: per-account limits and usage. The usage counters are kept by triggers
// (migration 2), so reading them is one primary-key lookup, whatever the size of the account.
import { StoreError, type Quota, type QuotaLimits } from '../types.js';
import type { SqliteContext } from './context.js';

interface QuotaRow {
  readonly storage_limit: number | null;
  readonly message_limit: number | null;
  readonly storage_used: number;
  readonly messages_used: number;
}

function quotaRow(ctx: SqliteContext, accountId: number): QuotaRow {
  const row = ctx
    .stmt('SELECT storage_limit, message_limit, storage_used, messages_used FROM quotas WHERE account_id = ?')
    .get(accountId) as QuotaRow | undefined;
  if (!row) throw new StoreError('NONEXISTENT', 'The account does not exist (any more)');
  return row;
}

export function getQuota(ctx: SqliteContext, accountId: number): Quota {
  const row = quotaRow(ctx, accountId);
  return {
    storageLimit: row.storage_limit,
    messageLimit: row.message_limit,
    storageUsed: row.storage_used,
    messagesUsed: row.messages_used,
  };
}

function validLimit(value: number | null, what: string): number | null {
  if (value === null) return null;
  if (!Number.isSafeInteger(value) || value < 0) throw new StoreError('CANNOT', `A ${what} limit must be a whole number >= 0`);
  return value;
}

export function setQuota(ctx: SqliteContext, accountId: number, limits: QuotaLimits): void {
  ctx.write(() => {
    const row = quotaRow(ctx, accountId);
    const storage = limits.storage === undefined ? row.storage_limit : validLimit(limits.storage, 'storage');
    const messages = limits.messages === undefined ? row.message_limit : validLimit(limits.messages, 'message');
    ctx.stmt('UPDATE quotas SET storage_limit = ?, message_limit = ? WHERE account_id = ?').run(storage, messages, accountId);
  });
}

/** Throws OVERQUOTA when adding `count` messages of `bytes` in total would pass a limit (RFC 9208 §4.1:
 *  a limit is the most the account may use, so reaching it exactly is allowed). */
export function checkQuota(ctx: SqliteContext, accountId: number, bytes: number, count: number): void {
  const row = quotaRow(ctx, accountId);
  if (row.storage_limit !== null && row.storage_used + bytes > row.storage_limit) {
    throw new StoreError('OVERQUOTA', `The account would use ${row.storage_used + bytes} bytes, its quota is ${row.storage_limit}`);
  }
  if (row.message_limit !== null && row.messages_used + count > row.message_limit) {
    throw new StoreError('OVERQUOTA', `The account would hold ${row.messages_used + count} messages, its quota is ${row.message_limit}`);
  }
}
