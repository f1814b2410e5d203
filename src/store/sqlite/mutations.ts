// Flag changes, copy, move and expunge of the SQLite store. Each runs in one write transaction that
// takes one new MODSEQ per mailbox it changes, and announces the change after the commit.
import { applyFlags, joinKeywords, parseFlags, sameFlags, splitKeywords } from '../flags.js';
import type { CopyOptions, CopyResult, MessageMeta, StoreFlagsResult } from '../types.js';
import { MESSAGE_COLUMNS, toMeta, type MailboxRow, type MessageRow, type SqliteContext } from './context.js';
import { checkQuota } from './quotas.js';

function rowsByUid(ctx: SqliteContext, mailboxId: number, uids: readonly number[]): MessageRow[] {
  if (uids.length === 1) {
    // One message (a client's STORE n): a key lookup, no JSON array to build and scan.
    const row = ctx.stmt(`SELECT ${MESSAGE_COLUMNS} FROM messages WHERE mailbox_id = ? AND uid = ?`).get(mailboxId, uids[0]) as MessageRow | undefined;
    return row ? [row] : [];
  }
  return ctx
    .stmt(`SELECT ${MESSAGE_COLUMNS} FROM messages WHERE mailbox_id = ? AND uid IN (SELECT value FROM json_each(?)) ORDER BY uid`)
    .all(mailboxId, JSON.stringify(uids)) as MessageRow[];
}

export function storeFlags(
  ctx: SqliteContext,
  mailboxId: number,
  uids: readonly number[],
  operation: 'replace' | 'add' | 'remove',
  flags: readonly string[],
  unchangedSince?: number,
): StoreFlagsResult {
  const change = parseFlags(flags);
  // Flags only: no fsync of its own (context.ts writeRelaxed says why that is safe).
  const result = ctx.writeRelaxed(() => {
    const box = ctx.requireMailbox(mailboxId);
    const updated: MessageMeta[] = [];
    const modified: number[] = [];
    const modseq = box.highestmodseq + 1; // shared by every message this one operation changes
    const update = ctx.stmt('UPDATE messages SET sysflags = ?, keywords = ?, modseq = ? WHERE mailbox_id = ? AND uid = ?');
    for (const row of rowsByUid(ctx, mailboxId, uids)) {
      // RFC 7162 §3.2: a message changed after unchangedSince is left alone and reported.
      if (unchangedSince !== undefined && row.modseq > unchangedSince) {
        modified.push(row.uid);
        continue;
      }
      const current = { system: row.sysflags, keywords: splitKeywords(row.keywords) };
      const next = applyFlags(current, operation, change);
      if (sameFlags(current, next)) continue;
      const keywords = joinKeywords(next.keywords);
      update.run(next.system, keywords, modseq, mailboxId, row.uid);
      updated.push(toMeta({ ...row, sysflags: next.system, keywords, modseq }));
    }
    if (updated.length > 0) ctx.stmt('UPDATE mailboxes SET highestmodseq = ? WHERE id = ?').run(modseq, mailboxId);
    return { updated, modified };
  });
  const last = result.updated[0];
  if (last) ctx.notifier.emit(mailboxId, last.modseq);
  return result;
}

/** Inserts copies of rows into a mailbox with new ascending UIDs and one new MODSEQ; the blobs gain
 *  a reference each. Inside a write transaction. */
function insertCopies(ctx: SqliteContext, target: MailboxRow, rows: readonly MessageRow[]): { mapping: Array<[number, number]>; modseq: number } {
  const modseq = target.highestmodseq + 1;
  const now = Date.now();
  const insert = ctx.stmt(
    `INSERT INTO messages (mailbox_id, uid, modseq, sysflags, keywords, internal_date, save_date, size, blob_id, email_id, thread_id)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const ref = ctx.stmt('UPDATE blobs SET refcount = refcount + 1 WHERE id = ?');
  const mapping: Array<[number, number]> = [];
  let uid = target.uidnext;
  for (const row of rows) {
    insert.run(target.id, uid, modseq, row.sysflags, row.keywords, row.internal_date, now, row.size, row.blob_id, row.email_id, row.thread_id);
    ref.run(row.blob_id);
    mapping.push([row.uid, uid]);
    uid++;
  }
  ctx.stmt('UPDATE mailboxes SET uidnext = ?, highestmodseq = ? WHERE id = ?').run(uid, modseq, target.id);
  return { mapping, modseq };
}

/** Removes rows from a mailbox, logging each UID with one new MODSEQ (for VANISHED); returns that
 *  MODSEQ and the blob ids left without references. Inside a write transaction. */
function removeRows(ctx: SqliteContext, mailboxId: number, rows: ReadonlyArray<{ uid: number; blob_id: string }>): { modseq: number; dead: string[] } {
  const modseq = ctx.bumpModseq(mailboxId);
  const remove = ctx.stmt('DELETE FROM messages WHERE mailbox_id = ? AND uid = ?');
  const log = ctx.stmt('INSERT OR REPLACE INTO expunged (mailbox_id, uid, modseq) VALUES (?, ?, ?)');
  for (const row of rows) {
    remove.run(mailboxId, row.uid);
    log.run(mailboxId, row.uid, modseq);
  }
  return { modseq, dead: ctx.deref(rows.map((r) => r.blob_id)) };
}

export function copyMessages(ctx: SqliteContext, fromMailboxId: number, uids: readonly number[], toMailboxId: number, options: CopyOptions = {}): CopyResult {
  const result = ctx.write(() => {
    ctx.requireMailbox(fromMailboxId);
    const target = ctx.requireMailbox(toMailboxId);
    const rows = rowsByUid(ctx, fromMailboxId, uids);
    if (rows.length === 0) return { uidValidity: target.uidvalidity, mapping: [], modseq: 0 };
    // RFC 9208 §4.3.1: under the write lock, so that parallel copies and appends cannot pass the quota together.
    if (options.enforceQuota === true) checkQuota(ctx, target.account_id, rows.reduce((n, r) => n + r.size, 0), rows.length);
    return { uidValidity: target.uidvalidity, ...insertCopies(ctx, target, rows) };
  });
  if (result.modseq > 0) ctx.notifier.emit(toMailboxId, result.modseq);
  return { uidValidity: result.uidValidity, mapping: result.mapping };
}

/** RFC 6851: the copy and the expunge in the source are one transaction, so a crash leaves the
 *  messages in exactly one of the two mailboxes. */
export function moveMessages(ctx: SqliteContext, fromMailboxId: number, uids: readonly number[], toMailboxId: number): CopyResult {
  const result = ctx.write(() => {
    ctx.requireMailbox(fromMailboxId);
    const target = ctx.requireMailbox(toMailboxId);
    const rows = rowsByUid(ctx, fromMailboxId, uids);
    if (rows.length === 0) return { uidValidity: target.uidvalidity, mapping: [], targetModseq: 0, sourceModseq: 0, dead: [] };
    const copied = insertCopies(ctx, target, rows);
    const removed = removeRows(ctx, fromMailboxId, rows);
    return { uidValidity: target.uidvalidity, mapping: copied.mapping, targetModseq: copied.modseq, sourceModseq: removed.modseq, dead: removed.dead };
  });
  ctx.reap(result.dead); // normally none: the copies hold the references
  if (result.targetModseq > 0) {
    ctx.notifier.emit(fromMailboxId, result.sourceModseq);
    if (toMailboxId !== fromMailboxId) ctx.notifier.emit(toMailboxId, result.targetModseq);
  }
  return { uidValidity: result.uidValidity, mapping: result.mapping };
}

export function expunge(ctx: SqliteContext, mailboxId: number, uids?: readonly number[]): number[] {
  const result = ctx.write(() => {
    ctx.requireMailbox(mailboxId);
    const rows = (
      uids === undefined
        ? ctx.stmt('SELECT uid, blob_id FROM messages WHERE mailbox_id = ? AND (sysflags & 8) != 0 ORDER BY uid').all(mailboxId)
        : ctx
            .stmt(
              `SELECT uid, blob_id FROM messages WHERE mailbox_id = ? AND (sysflags & 8) != 0
                 AND uid IN (SELECT value FROM json_each(?)) ORDER BY uid`,
            )
            .all(mailboxId, JSON.stringify(uids))
    ) as Array<{ uid: number; blob_id: string }>;
    if (rows.length === 0) return { uids: [], modseq: 0, dead: [] };
    return { uids: rows.map((r) => r.uid), ...removeRows(ctx, mailboxId, rows) };
  });
  ctx.reap(result.dead);
  if (result.modseq > 0) ctx.notifier.emit(mailboxId, result.modseq);
  return result.uids;
}
