// Account operations of the SQLite store.
import { StoreError, type Account, type AccountWithCredentials, type SpecialUse } from '../types.js';
import type { SqliteContext } from './context.js';
import { insertMailbox, removeMailboxRows } from './mailboxes.js';

/** The mailboxes every new account starts with (RFC 6154 special-use), all subscribed. */
export const DEFAULT_MAILBOXES: ReadonlyArray<readonly [string, SpecialUse | null]> = [
  ['INBOX', null],
  ['Drafts', '\\Drafts'],
  ['Sent', '\\Sent'],
  ['Trash', '\\Trash'],
  ['Junk', '\\Junk'],
  ['Archive', '\\Archive'],
];

export function createAccount(ctx: SqliteContext, login: string, passwordHash: string): Account {
  if (login === '' || /[\x00-\x20\x7f]/.test(login)) throw new StoreError('CANNOT', `"${login}" is not a valid login name`);
  return ctx.write(() => {
    if (ctx.stmt('SELECT 1 FROM accounts WHERE login = ?').get(login)) {
      throw new StoreError('ALREADYEXISTS', `Account "${login}" already exists`);
    }
    const { id } = ctx
      .stmt('INSERT INTO accounts (login, password_hash, created) VALUES (?, ?, ?) RETURNING id')
      .get(login, passwordHash, Date.now()) as { id: number };
    for (const [name, specialUse] of DEFAULT_MAILBOXES) {
      insertMailbox(ctx, id, name, specialUse);
      ctx.stmt('INSERT OR IGNORE INTO subscriptions (account_id, name) VALUES (?, ?)').run(id, name);
    }
    return { id, login };
  });
}

export function findAccount(ctx: SqliteContext, login: string): AccountWithCredentials | null {
  const row = ctx.stmt('SELECT id, login, password_hash FROM accounts WHERE login = ?').get(login) as
    | { id: number; login: string; password_hash: string }
    | undefined;
  return row ? { id: row.id, login: row.login, passwordHash: row.password_hash } : null;
}

export function setPasswordHash(ctx: SqliteContext, login: string, passwordHash: string): void {
  const { changes } = ctx.stmt('UPDATE accounts SET password_hash = ? WHERE login = ?').run(passwordHash, login);
  if (changes === 0) throw new StoreError('NONEXISTENT', `Account "${login}" does not exist`);
}

export function deleteAccount(ctx: SqliteContext, login: string): boolean {
  const result = ctx.write(() => {
    const account = ctx.stmt('SELECT id FROM accounts WHERE login = ?').get(login) as { id: number } | undefined;
    if (!account) return null;
    const boxes = ctx.stmt('SELECT id, highestmodseq FROM mailboxes WHERE account_id = ?').all(account.id) as Array<{
      id: number;
      highestmodseq: number;
    }>;
    const dead: string[] = [];
    for (const box of boxes) dead.push(...removeMailboxRows(ctx, box.id));
    ctx.stmt('DELETE FROM accounts WHERE id = ?').run(account.id); // subscriptions cascade
    return { boxes, dead };
  });
  if (!result) return false;
  ctx.reap(result.dead);
  for (const box of result.boxes) ctx.notifier.emit(box.id, box.highestmodseq + 1);
  return true;
}

export function listAccounts(ctx: SqliteContext): Account[] {
  return ctx.stmt('SELECT id, login FROM accounts ORDER BY login').all() as Account[];
}
