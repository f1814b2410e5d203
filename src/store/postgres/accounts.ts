// Account operations of the PostgreSQL store.
import { DEFAULT_MAILBOXES } from '../sqlite/accounts.js';
import { randomBytes } from 'node:crypto';
import { decodeScramColumn, encodeScramColumn } from '../scram-column.js';
import { StoreError, type Account, type AccountWithCredentials, type ScramRecord } from '../types.js';
import type { PgContext } from './context.js';
import { insertMailbox, removeMailboxRows } from './mailboxes.js';

function isUniqueViolation(err: unknown): boolean {
  return (err as { code?: string }).code === '23505';
}

export async function createAccount(ctx: PgContext, login: string, passwordHash: string, scram: ScramRecord | null = null): Promise<Account> {
  if (login === '' || /[\x00-\x20\x7f]/.test(login)) throw new StoreError('CANNOT', `"${login}" is not a valid login name`);
  try {
    return await ctx.tx(async (tx) => {
      const row = (
        await tx.query<{ id: number }>(
          'INSERT INTO accounts (login, password_hash, scram_sha256, created) VALUES ($1, $2, $3, $4) ON CONFLICT (login) DO NOTHING RETURNING id',
          [login, passwordHash, scram && encodeScramColumn(scram), Date.now()],
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
  const row = (
    await ctx.query<{ id: number; login: string; password_hash: string; scram_sha256: string | null }>(
      'SELECT id, login, password_hash, scram_sha256 FROM accounts WHERE login = $1',
      [login],
    )
  ).rows[0];
  return row ? { id: row.id, login: row.login, passwordHash: row.password_hash, scram: decodeScramColumn(row.scram_sha256) } : null;
}

export async function setPasswordHash(ctx: PgContext, login: string, passwordHash: string, scram: ScramRecord | null = null): Promise<void> {
  const { rowCount } = await ctx.query('UPDATE accounts SET password_hash = $1, scram_sha256 = $2 WHERE login = $3', [
    passwordHash,
    scram && encodeScramColumn(scram),
    login,
  ]);
  if (rowCount === 0) throw new StoreError('NONEXISTENT', `Account "${login}" does not exist`);
}

export async function setScramCredentials(ctx: PgContext, login: string, passwordHash: string, scram: ScramRecord): Promise<boolean> {
  const { rowCount } = await ctx.query('UPDATE accounts SET scram_sha256 = $1 WHERE login = $2 AND password_hash = $3', [
    encodeScramColumn(scram),
    login,
    passwordHash,
  ]);
  return (rowCount ?? 0) > 0;
}

/** Insert-if-absent then read: concurrent first calls from several nodes agree on one value. */
export async function serverSecret(ctx: PgContext, name: string): Promise<Buffer> {
  await ctx.query('INSERT INTO secrets (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING', [name, randomBytes(32)]);
  const row = (await ctx.query<{ value: Buffer }>('SELECT value FROM secrets WHERE name = $1', [name])).rows[0];
  if (!row) throw new Error(`secret ${name} vanished`);
  return row.value;
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
