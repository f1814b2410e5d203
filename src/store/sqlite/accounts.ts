// Account operations of the SQLite store.
import { randomBytes } from 'node:crypto';
import { decodeScramColumn, encodeScramColumn } from '../scram-column.js';
import { StoreError, type Account, type AccountWithCredentials, type ScramRecord, type SpecialUse } from '../types.js';
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

export function createAccount(ctx: SqliteContext, login: string, passwordHash: string, scram: ScramRecord | null = null): Account {
  if (login === '' || /[\x00-\x20\x7f]/.test(login)) throw new StoreError('CANNOT', `"${login}" is not a valid login name`);
  return ctx.write(() => {
    if (ctx.stmt('SELECT 1 FROM accounts WHERE login = ?').get(login)) {
      throw new StoreError('ALREADYEXISTS', `Account "${login}" already exists`);
    }
    const { id } = ctx
      .stmt('INSERT INTO accounts (login, password_hash, created) VALUES (?, ?, ?) RETURNING id')
      .get(login, passwordHash, Date.now()) as { id: number };
    if (scram) ctx.stmt('INSERT INTO account_scram (account_id, verifier) VALUES (?, ?)').run(id, encodeScramColumn(scram));
    for (const [name, specialUse] of DEFAULT_MAILBOXES) {
      insertMailbox(ctx, id, name, specialUse);
      ctx.stmt('INSERT OR IGNORE INTO subscriptions (account_id, name) VALUES (?, ?)').run(id, name);
    }
    return { id, login };
  });
}

export function findAccount(ctx: SqliteContext, login: string): AccountWithCredentials | null {
  const row = ctx
    .stmt('SELECT a.id, a.login, a.password_hash, s.verifier FROM accounts a LEFT JOIN account_scram s ON s.account_id = a.id WHERE a.login = ?')
    .get(login) as { id: number; login: string; password_hash: string; verifier: string | null } | undefined;
  return row ? { id: row.id, login: row.login, passwordHash: row.password_hash, scram: decodeScramColumn(row.verifier) } : null;
}

/** The hash and the SCRAM credentials change in one transaction: never a new password with old SCRAM keys. */
export function setPasswordHash(ctx: SqliteContext, login: string, passwordHash: string, scram: ScramRecord | null = null): void {
  ctx.write(() => {
    const row = ctx.stmt('UPDATE accounts SET password_hash = ? WHERE login = ? RETURNING id').get(passwordHash, login) as { id: number } | undefined;
    if (!row) throw new StoreError('NONEXISTENT', `Account "${login}" does not exist`);
    ctx.stmt('DELETE FROM account_scram WHERE account_id = ?').run(row.id);
    if (scram) ctx.stmt('INSERT INTO account_scram (account_id, verifier) VALUES (?, ?)').run(row.id, encodeScramColumn(scram));
  });
}

export function setScramCredentials(ctx: SqliteContext, login: string, passwordHash: string, scram: ScramRecord): boolean {
  const { changes } = ctx
    .stmt('INSERT OR REPLACE INTO account_scram (account_id, verifier) SELECT id, ? FROM accounts WHERE login = ? AND password_hash = ?')
    .run(encodeScramColumn(scram), login, passwordHash);
  return changes > 0;
}

export function serverSecret(ctx: SqliteContext, name: string): Buffer {
  ctx.stmt('INSERT OR IGNORE INTO secrets (name, value) VALUES (?, ?)').run(name, randomBytes(32));
  const row = ctx.stmt('SELECT value FROM secrets WHERE name = ?').get(name) as { value: Buffer } | undefined;
  if (!row) throw new Error(`secret ${name} vanished`);
  return row.value;
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
