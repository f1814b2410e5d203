// Account operations of the PostgreSQL store.
import { DEFAULT_MAILBOXES } from '../sqlite/accounts.js';
import { StoreError, type Account, type AccountWithCredentials } from '../types.js';
import type { PgContext } from './context.js';
import { insertMailbox, removeMailboxRows } from './mailboxes.js';

function isUniqueViolation(err: unknown): boolean {
  return (err as { code?: string }).code === '23505';
}

export async function createAccount(ctx: PgContext, login: string, passwordHash: string): Promise<Account> {
  if (login === '' || /[\x00-\x20\x7f]/.test(login)) throw new StoreError('CANNOT', `"${login}" is not a valid login name`);
  try {
    return await ctx.tx(async (tx) => {
      const row = (
        await tx.query<{ id: number }>(
          'INSERT INTO accounts (login, password_hash, created) VALUES ($1, $2, $3) ON CONFLICT (login) DO NOTHING RETURNING id',
          [login, passwordHash, Date.now()],
        )
      ).rows[0];
      if (!row) throw new StoreError('ALREADYEXISTS', `Account "${login}" already exists`);
      for (const [name, specialUse] of DEFAULT_MAILBOXES) {
        await insertMailbox(ctx, tx, row.id, name, specialUse);
        await tx.query('INSERT INTO subscriptions (account_id, name) VALUES ($1, $2) ON CONFLICT DO NOTHING', [row.id, name]);
      }
      return { id: row.id, login };
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw new StoreError('ALREADYEXISTS', `Account "${login}" already exists`);
    throw err;
  }
}

export async function findAccount(ctx: PgContext, login: string): Promise<AccountWithCredentials | null> {
  const row = (await ctx.query<{ id: number; login: string; password_hash: string }>('SELECT id, login, password_hash FROM accounts WHERE login = $1', [login]))
    .rows[0];
  return row ? { id: row.id, login: row.login, passwordHash: row.password_hash } : null;
}

export async function setPasswordHash(ctx: PgContext, login: string, passwordHash: string): Promise<void> {
  const { rowCount } = await ctx.query('UPDATE accounts SET password_hash = $1 WHERE login = $2', [passwordHash, login]);
  if (rowCount === 0) throw new StoreError('NONEXISTENT', `Account "${login}" does not exist`);
}

export async function deleteAccount(ctx: PgContext, login: string): Promise<boolean> {
  return ctx.tx(async (tx) => {
    const account = (await tx.query<{ id: number }>('SELECT id FROM accounts WHERE login = $1 FOR UPDATE', [login])).rows[0];
    if (!account) return false;
    const boxes = (await tx.query<{ id: number; highestmodseq: number }>('SELECT id, highestmodseq FROM mailboxes WHERE account_id = $1 ORDER BY id FOR UPDATE', [account.id])).rows;
    for (const box of boxes) await removeMailboxRows(ctx, tx, box.id);
    await tx.query('DELETE FROM accounts WHERE id = $1', [account.id]); // subscriptions, quota, metadata cascade
    // Sessions that have one of them selected wake up and find it gone.
    for (const box of boxes) await tx.changed(box.id, box.highestmodseq + 1);
    return true;
  });
}

export async function listAccounts(ctx: PgContext): Promise<Account[]> {
  return (await ctx.query<Account>('SELECT id, login FROM accounts ORDER BY login')).rows;
}
