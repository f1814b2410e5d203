// Mailbox operations of the SQLite store: create, delete, rename, subscriptions, status, \Recent.
import { newMailboxId } from '../ids.js';
import { canonicalName, DELIMITER, validMailboxName } from '../names.js';
import { StoreError, type Mailbox, type MailboxStatus, type MailboxWithStatus, type SpecialUse } from '../types.js';
import { MAILBOX_COLUMN_LIST, mailboxFromColumns } from '../rows.js';
import { toMailbox, type MailboxRow, type SqliteContext } from './context.js';

function isUniqueViolation(err: unknown): boolean {
  return (err as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE' || (err as { code?: string }).code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}

function byName(ctx: SqliteContext, accountId: number, name: string): MailboxRow | undefined {
  return ctx.stmt('SELECT * FROM mailboxes WHERE account_id = ? AND name = ?').get(accountId, name) as MailboxRow | undefined;
}

function requireByName(ctx: SqliteContext, accountId: number, name: string): MailboxRow {
  const row = byName(ctx, accountId, name);
  if (!row) throw new StoreError('NONEXISTENT', `Mailbox "${name}" does not exist`);
  return row;
}

/** Inserts a mailbox with a fresh UIDVALIDITY; inside a write transaction. */
export function insertMailbox(ctx: SqliteContext, accountId: number, name: string, specialUse: SpecialUse | null): MailboxRow {
  if (byName(ctx, accountId, name)) throw new StoreError('ALREADYEXISTS', `Mailbox "${name}" already exists`);
  try {
    return ctx
      .stmt('INSERT INTO mailboxes (account_id, name, uidvalidity, special_use, mailbox_id) VALUES (?, ?, ?, ?, ?) RETURNING *')
      .get(accountId, name, ctx.nextUidValidity(), specialUse, newMailboxId()) as MailboxRow;
  } catch (err) {
    if ((err as { code?: string }).code === 'SQLITE_CONSTRAINT_FOREIGNKEY') throw new StoreError('NONEXISTENT', 'The account does not exist');
    throw err;
  }
}

/** Deletes a mailbox with its messages and expunge log; returns blob ids left without references.
 *  Inside a write transaction. */
export function removeMailboxRows(ctx: SqliteContext, mailboxId: number): string[] {
  const blobIds = (ctx.stmt('SELECT blob_id FROM messages WHERE mailbox_id = ?').pluck().all(mailboxId) as string[]);
  ctx.stmt('DELETE FROM messages WHERE mailbox_id = ?').run(mailboxId);
  const dead = ctx.deref(blobIds); // after the rows that refer to them are gone (foreign key)
  ctx.stmt('DELETE FROM expunged WHERE mailbox_id = ?').run(mailboxId);
  ctx.stmt('DELETE FROM mailboxes WHERE id = ?').run(mailboxId);
  return dead;
}

export function listMailboxes(ctx: SqliteContext, accountId: number): Mailbox[] {
  return (ctx.stmt('SELECT * FROM mailboxes WHERE account_id = ? ORDER BY name').all(accountId) as MailboxRow[]).map(toMailbox);
}

export function getMailbox(ctx: SqliteContext, accountId: number, name: string): Mailbox | null {
  const row = byName(ctx, accountId, canonicalName(name));
  return row ? toMailbox(row) : null;
}

export function getMailboxById(ctx: SqliteContext, id: number): Mailbox | null {
  ctx.watched.add(id);
  const row = ctx.mailboxRow(id);
  return row ? toMailbox(row) : null;
}

export function createMailbox(ctx: SqliteContext, accountId: number, name: string, specialUse: SpecialUse | null): Mailbox {
  const canonical = validMailboxName(name);
  try {
    return toMailbox(ctx.write(() => insertMailbox(ctx, accountId, canonical, specialUse)));
  } catch (err) {
    if (isUniqueViolation(err)) throw new StoreError('ALREADYEXISTS', `Mailbox "${canonical}" already exists`);
    throw err;
  }
}

export function deleteMailbox(ctx: SqliteContext, accountId: number, name: string): void {
  const canonical = canonicalName(name);
  if (canonical === 'INBOX') throw new StoreError('CANNOT', 'INBOX cannot be deleted');
  const { id, modseq, dead } = ctx.write(() => {
    const row = requireByName(ctx, accountId, canonical);
    return { id: row.id, modseq: row.highestmodseq + 1, dead: removeMailboxRows(ctx, row.id) };
  });
  ctx.reap(dead);
  // Sessions that have it selected wake up and find it gone (getMailboxById -> null).
  ctx.notifier.emit(id, modseq);
}

export function renameMailbox(ctx: SqliteContext, accountId: number, from: string, to: string): void {
  const source = canonicalName(from);
  const target = validMailboxName(to);
  if (source === 'INBOX') return renameInbox(ctx, accountId, target);
  if (target === source) throw new StoreError('ALREADYEXISTS', `Mailbox "${target}" already exists`);
  if (target.startsWith(source + DELIMITER)) throw new StoreError('CANNOT', `Mailbox "${source}" cannot be moved inside itself`);
  ctx.write(() => {
    requireByName(ctx, accountId, source);
    const moving = ctx
      .stmt('SELECT id, name FROM mailboxes WHERE account_id = ? AND (name = ? OR substr(name, 1, ?) = ?)')
      .all(accountId, source, source.length + 1, source + DELIMITER) as Array<{ id: number; name: string }>;
    const movingIds = new Set(moving.map((m) => m.id));
    const renames = moving.map((m) => ({ id: m.id, name: target + m.name.slice(source.length) }));
    for (const r of renames) {
      const clash = byName(ctx, accountId, r.name);
      if (clash && !movingIds.has(clash.id)) throw new StoreError('ALREADYEXISTS', `Mailbox "${r.name}" already exists`);
      validMailboxName(r.name);
    }
    // Two steps, so that a new name equal to another renamed mailbox's old name never collides.
    const setName = ctx.stmt('UPDATE mailboxes SET name = ? WHERE id = ?');
    for (const r of renames) setName.run(`\u0000renaming ${r.id}`, r.id);
    for (const r of renames) setName.run(r.name, r.id);
  });
}

/** RFC 9051 §6.3.6: renaming INBOX moves its messages to a new mailbox and leaves INBOX empty. The
 *  new mailbox has a new UIDVALIDITY, so the messages keep their UIDs; INBOX keeps its UIDNEXT and
 *  logs the moved UIDs as expunged. Children of INBOX stay where they are. */
function renameInbox(ctx: SqliteContext, accountId: number, target: string): void {
  if (target === 'INBOX') throw new StoreError('ALREADYEXISTS', 'Mailbox "INBOX" already exists');
  const result = ctx.write(() => {
    const inbox = requireByName(ctx, accountId, 'INBOX');
    const created = insertMailbox(ctx, accountId, target, null);
    const uids = ctx.stmt('SELECT uid FROM messages WHERE mailbox_id = ?').pluck().all(inbox.id) as number[];
    ctx.stmt('UPDATE mailboxes SET uidnext = ?, highestmodseq = ?, recent_floor = ? WHERE id = ?').run(
      inbox.uidnext,
      inbox.highestmodseq,
      inbox.recent_floor,
      created.id,
    );
    if (uids.length === 0) return null;
    ctx.stmt('UPDATE messages SET mailbox_id = ? WHERE mailbox_id = ?').run(created.id, inbox.id);
    const modseq = ctx.bumpModseq(inbox.id);
    const log = ctx.stmt('INSERT OR REPLACE INTO expunged (mailbox_id, uid, modseq) VALUES (?, ?, ?)');
    for (const uid of uids) log.run(inbox.id, uid, modseq);
    return { inboxId: inbox.id, modseq };
  });
  if (result) ctx.notifier.emit(result.inboxId, result.modseq);
}

export function setSubscribed(ctx: SqliteContext, accountId: number, name: string, subscribed: boolean): void {
  const canonical = subscribed ? validMailboxName(name) : canonicalName(name);
  ctx.write(() => {
    if (!ctx.stmt('SELECT 1 FROM accounts WHERE id = ?').get(accountId)) throw new StoreError('NONEXISTENT', 'The account does not exist');
    if (subscribed) ctx.stmt('INSERT OR IGNORE INTO subscriptions (account_id, name) VALUES (?, ?)').run(accountId, canonical);
    else ctx.stmt('DELETE FROM subscriptions WHERE account_id = ? AND name = ?').run(accountId, canonical);
  });
}

export function listSubscriptions(ctx: SqliteContext, accountId: number): string[] {
  return ctx.stmt('SELECT name FROM subscriptions WHERE account_id = ? ORDER BY name').pluck().all(accountId) as string[];
}

/** Counts of one mailbox by a pass over its messages: what mailbox_counts (migration 15) holds. */
export const COUNT_MESSAGES_SQL = `SELECT COUNT(*) AS messages, COALESCE(SUM((sysflags & 1) = 0), 0) AS unseen,
       COALESCE(SUM((sysflags & 8) != 0), 0) AS deleted, COALESCE(SUM(size), 0) AS size
  FROM messages WHERE mailbox_id = ?`;

export interface MailboxCounts {
  readonly messages: number;
  readonly unseen: number;
  readonly deleted: number;
  readonly size: number;
}

/** The mailbox row, its trigger-kept counts and \Recent in one statement: one snapshot without a
 *  BEGIN and COMMIT of its own (STATUS is what clients poll most; it was four: BEGIN, row, counts,
 *  COMMIT). \Recent is the UIDs from the floor up, a range of the primary key, counted only when
 *  there can be any. Every statement outside a transaction opens and closes a WAL read snapshot
 *  (about 4 us here, file locks included), so STATUS by name reads the row in the same statement.
 *  Read as an array (rawStmt): a row object costs better-sqlite3 an internalized key and a map
 *  transition per column, half of this statement's time (docs/BENCHMARKS.md part 12). */
const STATUS_COLUMNS = `${MAILBOX_COLUMN_LIST.split(', ').map((c) => `b.${c}`).join(', ')},
       c.messages, c.unseen, c.deleted, c.size,
       CASE WHEN b.recent_floor >= b.uidnext THEN 0
            ELSE (SELECT COUNT(*) FROM messages m WHERE m.mailbox_id = b.id AND m.uid >= b.recent_floor) END
  FROM mailboxes b LEFT JOIN mailbox_counts c ON c.mailbox_id = b.id`;
const STATUS_BY_ID_SQL = `SELECT ${STATUS_COLUMNS} WHERE b.id = ?`;
const STATUS_BY_NAME_SQL = `SELECT ${STATUS_COLUMNS} WHERE b.account_id = ? AND b.name = ?`;

/** STATUS_COLUMNS in order: the mailbox's, then its counts. `messages` is null only without a
 *  counts row, which the triggers and migration 15 always make. */
type StatusRow = [
  ...mailbox: [id: number, accountId: number, name: string, uidValidity: number, uidNext: number, highestModseq: number, specialUse: string | null, mailboxId: string],
  messages: number | null,
  unseen: number,
  deleted: number,
  size: number,
  recent: number,
];

function toStatus(ctx: SqliteContext, row: StatusRow): MailboxStatus {
  // A missing counts row (`postkeep check` reports it) costs a pass over the messages, not a wrong answer.
  const counts: MailboxCounts =
    row[8] === null ? (ctx.stmt(COUNT_MESSAGES_SQL).get(row[0]) as MailboxCounts) : { messages: row[8], unseen: row[9], deleted: row[10], size: row[11] };
  return {
    messages: counts.messages,
    unseen: counts.unseen,
    deleted: counts.deleted,
    size: counts.size,
    recent: row[12],
    uidNext: row[4],
    uidValidity: row[3],
    highestModseq: row[5],
  };
}

export function mailboxStatus(ctx: SqliteContext, mailboxId: number): MailboxStatus {
  const row = ctx.rawStmt(STATUS_BY_ID_SQL).get(mailboxId) as StatusRow | undefined;
  if (!row) throw new StoreError('NONEXISTENT', 'The mailbox does not exist (any more)');
  return toStatus(ctx, row);
}

export function mailboxWithStatus(ctx: SqliteContext, accountId: number, name: string): MailboxWithStatus | null {
  const row = ctx.rawStmt(STATUS_BY_NAME_SQL).get(accountId, canonicalName(name)) as StatusRow | undefined;
  return row ? { mailbox: mailboxFromColumns(row), status: toStatus(ctx, row) } : null;
}

/** \Recent (RFC 3501): hands the caller every UID from the old floor up; the next caller gets none of them. */
export function claimRecent(ctx: SqliteContext, mailboxId: number): number {
  // Nothing new since the last claim (most SELECTs): no write transaction at all.
  const seen = ctx.requireMailbox(mailboxId);
  if (seen.recent_floor >= seen.uidnext) return seen.recent_floor;
  // \Recent is advisory (RFC 3501 §2.3.2; IMAP4rev2 dropped it): a claim that a power cut takes back
  // shows those messages as \Recent to one more session. So no fsync of its own on the event loop
  // (writeRelaxed), which every IMAP4rev1 SELECT after new mail used to pay.
  return ctx.writeRelaxed(() => {
    const box = ctx.requireMailbox(mailboxId);
    if (box.recent_floor < box.uidnext) ctx.stmt('UPDATE mailboxes SET recent_floor = ? WHERE id = ?').run(box.uidnext, mailboxId);
    return box.recent_floor;
  });
}
