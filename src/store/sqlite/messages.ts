// Message operations of the SQLite store: append, list, changes, summaries, bytes.
// Flag changes, copy, move and expunge are in mutations.ts.
import type { Readable } from 'node:stream';
import { sha256Hex } from '../blobs/file-blobs.js';
import { parseFlags, joinKeywords } from '../flags.js';
import { emailIdFor, threadIdFor } from '../ids.js';
import type { Envelope, MessageSummary } from '../../mime/types.js';
import { StoreError, type AppendInput, type AppendResult, type MailboxChanges, type MessageMeta } from '../types.js';
import { MESSAGE_COLUMNS, type SqliteContext } from './context.js';
import { checkQuota } from './quotas.js';
import { searchHeaderText } from './search-headers.js';

/** Thrown inside the append transaction when the blob file vanished (reaped) after it was written. */
class BlobVanished extends Error {}

/** Rule 1: the bytes are written and fsynced first, then one transaction allocates UID and MODSEQ and
 *  records the message; the promise resolves only after that commit. */
export async function appendMessage(ctx: SqliteContext, mailboxId: number, input: AppendInput): Promise<AppendResult> {
  const flags = parseFlags(input.flags);
  const internalDate = input.internalDate ?? Date.now();
  if (!Number.isFinite(internalDate)) throw new StoreError('CANNOT', 'The internal date is not a valid time');
  const target = ctx.requireMailbox(mailboxId); // fail early, before any bytes are written
  if (input.enforceQuota === true) checkQuota(ctx, target.account_id, input.bytes.length, 1);
  const blobId = sha256Hex(input.bytes);
  ctx.pendingBlobs.set(blobId, (ctx.pendingBlobs.get(blobId) ?? 0) + 1);
  let committed = false;
  try {
    let analysis: { summary: MessageSummary; bodyText: string } | null = null;
    for (let attempt = 0; ; attempt++) {
      // Known content (a row with references) has a durable file already: no analysis, no write.
      if (attempt > 0 || !ctx.hasBlobRow(blobId)) {
        analysis ??= ctx.analyze(input.bytes);
        await ctx.blobs.write(input.bytes, blobId);
      }
      try {
        // Shares its commit with the other appends ready now (group-commit.ts); resolves after it.
        const result = await ctx.writeGrouped(() => {
          const box = ctx.requireMailbox(mailboxId);
          // Checked again under the write lock: parallel deliveries cannot pass the quota together.
          if (input.enforceQuota === true) checkQuota(ctx, box.account_id, input.bytes.length, 1);
          let summary: MessageSummary;
          if (ctx.stmt('UPDATE blobs SET refcount = refcount + 1 WHERE id = ?').run(blobId).changes === 1) {
            summary = analysis?.summary ?? (JSON.parse(ctx.stmt('SELECT summary FROM blobs WHERE id = ?').pluck().get(blobId) as string) as MessageSummary);
          } else {
            // Checked under the write lock: reap() unlinks only under the same lock.
            if (!analysis || !ctx.blobs.exists(blobId)) throw new BlobVanished();
            summary = analysis.summary;
            ctx.stmt('INSERT INTO blobs (id, size, refcount, summary, body_text, search_headers, envelope) VALUES (?, ?, 1, ?, ?, ?, ?)').run(
              blobId,
              input.bytes.length,
              JSON.stringify(summary),
              analysis.bodyText,
              searchHeaderText(summary),
              JSON.stringify(summary.envelope),
            );
          }
          const uid = box.uidnext;
          const modseq = box.highestmodseq + 1;
          ctx
            .stmt(
              `INSERT INTO messages (mailbox_id, uid, modseq, sysflags, keywords, internal_date, save_date, size, blob_id, email_id, thread_id)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
            )
            .run(mailboxId, uid, modseq, flags.system, joinKeywords(flags.keywords), Math.trunc(internalDate), Date.now(),
              input.bytes.length, blobId, emailIdFor(blobId), threadIdFor(summary, blobId));
          ctx.stmt('UPDATE mailboxes SET uidnext = ?, highestmodseq = ? WHERE id = ?').run(uid + 1, modseq, mailboxId);
          return { uidValidity: box.uidvalidity, uid, modseq };
        });
        committed = true;
        ctx.notifier.emit(mailboxId, result.modseq);
        return result;
      } catch (err) {
        if (!(err instanceof BlobVanished) || attempt >= 3) throw err;
      }
    }
  } finally {
    const left = (ctx.pendingBlobs.get(blobId) ?? 1) - 1;
    if (left > 0) ctx.pendingBlobs.set(blobId, left);
    else ctx.pendingBlobs.delete(blobId);
    // A failed append (say, the mailbox was deleted meanwhile) leaves no file nobody refers to.
    if (!committed) {
      try {
        ctx.reap([blobId]);
      } catch {
        // collectOrphans() will find it; the caller's error is the one that matters.
      }
    }
  }
}

export function listMessages(ctx: SqliteContext, mailboxId: number): MessageMeta[] {
  return ctx.read(() => {
    ctx.requireMailbox(mailboxId);
    return ctx.metas(`SELECT ${MESSAGE_COLUMNS} FROM messages WHERE mailbox_id = ? ORDER BY uid`, mailboxId);
  });
}

export function changesSince(ctx: SqliteContext, mailboxId: number, modseq: number): MailboxChanges {
  return ctx.read(() => {
    const box = ctx.requireMailbox(mailboxId);
    if (modseq >= box.highestmodseq) return { highestModseq: box.highestmodseq, expunged: [], changed: [] };
    const changed = ctx.metas(`SELECT ${MESSAGE_COLUMNS} FROM messages WHERE mailbox_id = ? AND modseq > ? ORDER BY uid`, mailboxId, modseq);
    const expunged = ctx.stmt('SELECT uid FROM expunged WHERE mailbox_id = ? AND modseq > ? ORDER BY uid').pluck().all(mailboxId, modseq) as number[];
    return { highestModseq: box.highestmodseq, expunged, changed };
  });
}

export function getSummaries(ctx: SqliteContext, mailboxId: number, uids: readonly number[]): Map<number, MessageSummary> {
  const rows = ctx
    .stmt(
      `SELECT m.uid AS uid, b.summary AS summary FROM messages m JOIN blobs b ON b.id = m.blob_id
        WHERE m.mailbox_id = ? AND m.uid IN (SELECT value FROM json_each(?)) ORDER BY m.uid`,
    )
    .all(mailboxId, JSON.stringify(uids)) as Array<{ uid: number; summary: string }>;
  const out = new Map<number, MessageSummary>();
  for (const row of rows) out.set(row.uid, JSON.parse(row.summary) as MessageSummary);
  return out;
}

/** The ENVELOPE of each message from its own column; contents stored without it (other insert
 *  paths) take it out of the summary in SQL, still without parsing the whole summary in JS. */
export function getEnvelopes(ctx: SqliteContext, mailboxId: number, uids: readonly number[]): Map<number, Envelope> {
  const rows = ctx
    .stmt(
      `SELECT m.uid, COALESCE(b.envelope, json_extract(b.summary, '$.envelope')) FROM messages m JOIN blobs b ON b.id = m.blob_id
        WHERE m.mailbox_id = ? AND m.uid IN (SELECT value FROM json_each(?))`,
    )
    .raw(true)
    .all(mailboxId, JSON.stringify(uids)) as Array<[number, string]>;
  const out = new Map<number, Envelope>();
  for (const [uid, envelope] of rows) out.set(uid, JSON.parse(envelope) as Envelope);
  return out;
}

export function getBodyText(ctx: SqliteContext, blobId: string): string {
  const text = ctx.stmt('SELECT body_text FROM blobs WHERE id = ?').pluck().get(blobId) as string | undefined;
  if (text === undefined) throw new StoreError('NONEXISTENT', `Message blob ${blobId} does not exist`);
  return text;
}

export function readMessage(ctx: SqliteContext, blobId: string, start?: number, end?: number): Promise<Buffer> {
  return ctx.blobs.read(blobId, start, end);
}

export function streamMessage(ctx: SqliteContext, blobId: string, start?: number, end?: number): Readable {
  return ctx.blobs.stream(blobId, start, end);
}

/** The folded header text of each message for SEARCH (search-headers.ts); computed from the summary
 *  for contents stored without it (other insert paths). */
export function getSearchHeaderText(ctx: SqliteContext, mailboxId: number, uids: readonly number[]): Map<number, string | null> {
  const rows = ctx
    .stmt(
      `SELECT m.uid, b.search_headers, CASE WHEN b.search_headers IS NULL THEN b.summary END FROM messages m JOIN blobs b ON b.id = m.blob_id
        WHERE m.mailbox_id = ? AND m.uid IN (SELECT value FROM json_each(?))`,
    )
    .raw(true)
    .all(mailboxId, JSON.stringify(uids)) as Array<[number, string | null, string | null]>;
  const out = new Map<number, string | null>();
  for (const [uid, text, summary] of rows) out.set(uid, text ?? (summary === null ? null : searchHeaderText(JSON.parse(summary) as MessageSummary)));
  return out;
}
