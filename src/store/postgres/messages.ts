// Message operations of the PostgreSQL store: append, list, changes, summaries, bytes.
// Flag changes, copy, move and expunge are in mutations.ts.
import { Readable } from 'node:stream';
import { createHash } from 'node:crypto';
import { joinKeywords, parseFlags } from '../flags.js';
import { emailIdFor, threadIdFor } from '../ids.js';
import type { MessageSummary } from '../../mime/types.js';
import { StoreError, type AppendInput, type AppendResult, type MailboxChanges, type MessageMeta } from '../types.js';
import { MESSAGE_COLUMNS, storableJson, storableText, toMeta, type MessageRow, type PgContext, type Tx } from './context.js';
import { checkQuota } from './quotas.js';
import { storableEnvelopeText } from './envelope-text.js';
import { storableSearchHeaders } from './search-headers.js';

type Analysis = { readonly summary: MessageSummary; readonly bodyText: string };

/** Adds a reference to the blob of these bytes, creating it (bytes, summary, body text) when new;
 *  returns its summary. Inside the append transaction. */
export async function referenceBlob(ctx: PgContext, tx: Tx, blobId: string, bytes: Buffer, analysis: Analysis | null): Promise<MessageSummary> {
  if (analysis === null) {
    const known = (await tx.query<{ summary: MessageSummary }>('UPDATE blobs SET refcount = refcount + 1 WHERE id = $1 RETURNING summary', [blobId])).rows[0];
    if (known) return known.summary;
    analysis = ctx.analyze(bytes); // the last reference went between our look and this transaction
  }
  // ON CONFLICT: another node may store the same bytes at the same moment.
  await tx.query(
    `INSERT INTO blobs (id, size, refcount, summary, body_text, bytes, search_headers, envelope_imap) VALUES ($1, $2, 1, $3::jsonb, $4, $5, $6, $7)
     ON CONFLICT (id) DO UPDATE SET refcount = blobs.refcount + 1`,
    [blobId, bytes.length, storableJson(analysis.summary), storableText(analysis.bodyText), bytes, storableSearchHeaders(analysis.summary), storableEnvelopeText(analysis.summary)],
  );
  return analysis.summary;
}

/** Rule 1: bytes and metadata commit in one transaction, and the promise resolves only after it.
 *  UIDs: the UPDATE of the mailbox row takes its row lock until the commit, so appends to one mailbox
 *  from any number of nodes get UIDs one after another, in commit order, never twice. */
export async function appendMessage(ctx: PgContext, mailboxId: number, input: AppendInput): Promise<AppendResult> {
  const flags = parseFlags(input.flags);
  const internalDate = input.internalDate ?? Date.now();
  if (!Number.isFinite(internalDate)) throw new StoreError('CANNOT', 'The internal date is not a valid time');
  const blobId = createHash('sha256').update(input.bytes).digest('hex');
  // Known content needs no analysis and no bytes on the wire; the lock-free look may be stale, which
  // referenceBlob handles.
  const known = (await ctx.query('SELECT 1 FROM blobs WHERE id = $1', [blobId])).rows.length > 0;
  const analysis = known ? null : ctx.analyze(input.bytes);
  return ctx.tx(async (tx) => {
    const box = (
      await tx.query<{ account_id: number; uid: number; modseq: number; uidvalidity: number }>(
        `UPDATE mailboxes SET uidnext = uidnext + 1, highestmodseq = highestmodseq + 1 WHERE id = $1
         RETURNING account_id, uidnext - 1 AS uid, highestmodseq AS modseq, uidvalidity`,
        [mailboxId],
      )
    ).rows[0];
    if (!box) throw new StoreError('NONEXISTENT', 'The mailbox does not exist (any more)');
    // The quota row is locked before the blob row, in every append: the same order as an expunge
    // (whose trigger updates the quota before the blobs are dereferenced), so the two cannot deadlock.
    await checkQuota(tx, box.account_id, input.bytes.length, 1, input.enforceQuota === true);
    const summary = await referenceBlob(ctx, tx, blobId, input.bytes, analysis);
    await tx.query(
      `INSERT INTO messages (mailbox_id, uid, modseq, sysflags, keywords, internal_date, save_date, size, blob_id, email_id, thread_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
      [mailboxId, box.uid, box.modseq, flags.system, joinKeywords(flags.keywords), Math.trunc(internalDate), Date.now(), input.bytes.length, blobId,
        emailIdFor(blobId), threadIdFor(summary, blobId)],
    );
    await tx.changed(mailboxId, box.modseq);
    return { uidValidity: box.uidvalidity, uid: box.uid, modseq: box.modseq };
  });
}

async function requireMailbox(ctx: PgContext, mailboxId: number): Promise<void> {
  if ((await ctx.query('SELECT 1 FROM mailboxes WHERE id = $1', [mailboxId])).rows.length === 0) {
    throw new StoreError('NONEXISTENT', 'The mailbox does not exist (any more)');
  }
}

export async function listMessages(ctx: PgContext, mailboxId: number): Promise<MessageMeta[]> {
  ctx.watch(mailboxId);
  const rows = (await ctx.query<MessageRow>(`SELECT ${MESSAGE_COLUMNS} FROM messages WHERE mailbox_id = $1 ORDER BY uid`, [mailboxId])).rows;
  if (rows.length === 0) await requireMailbox(ctx, mailboxId);
  return rows.map(toMeta);
}

type ChangeRow = MessageRow & { readonly k: number };

/** One statement (one snapshot): the mailbox's HIGHESTMODSEQ (k 0), changed messages (k 1) and
 *  expunged UIDs (k 2). Serves every IDLE wake-up in one round trip. */
export async function changesSince(ctx: PgContext, mailboxId: number, modseq: number): Promise<MailboxChanges> {
  ctx.watch(mailboxId);
  const rows = (
    await ctx.query<ChangeRow>(
      `SELECT 0 AS k, highestmodseq AS uid, 0::bigint AS modseq, 0 AS sysflags, '' AS keywords, 0::bigint AS internal_date, 0::bigint AS save_date,
              0::bigint AS size, '' AS blob_id, '' AS email_id, '' AS thread_id
         FROM mailboxes WHERE id = $1
       UNION ALL
       SELECT 1, ${MESSAGE_COLUMNS} FROM messages WHERE mailbox_id = $1 AND modseq > $2
       UNION ALL
       SELECT 2, uid, modseq, 0, '', 0, 0, 0, '', '', '' FROM expunged WHERE mailbox_id = $1 AND modseq > $2
       ORDER BY k, uid`,
      [mailboxId, modseq],
    )
  ).rows;
  const head = rows[0];
  if (!head || head.k !== 0) throw new StoreError('NONEXISTENT', 'The mailbox does not exist (any more)');
  const changed: MessageMeta[] = [];
  const expunged: number[] = [];
  for (let i = 1; i < rows.length; i++) {
    const row = rows[i];
    if (!row) continue;
    if (row.k === 1) changed.push(toMeta(row));
    else expunged.push(row.uid);
  }
  return { highestModseq: head.uid, expunged, changed };
}

export async function getSummaries(ctx: PgContext, mailboxId: number, uids: readonly number[]): Promise<Map<number, MessageSummary>> {
  const rows = (
    await ctx.query<{ uid: number; summary: MessageSummary }>(
      `SELECT m.uid, b.summary FROM messages m JOIN blobs b ON b.id = m.blob_id
        WHERE m.mailbox_id = $1 AND m.uid = ANY($2::bigint[]) ORDER BY m.uid`,
      [mailboxId, uids],
    )
  ).rows;
  return new Map(rows.map((r) => [r.uid, r.summary]));
}

export async function getBodyText(ctx: PgContext, blobId: string): Promise<string> {
  const row = (await ctx.query<{ body_text: string }>('SELECT body_text FROM blobs WHERE id = $1', [blobId])).rows[0];
  if (!row) throw new StoreError('NONEXISTENT', `Message blob ${blobId} does not exist`);
  return row.body_text;
}

function missing(blobId: string): StoreError {
  return new StoreError('NONEXISTENT', `Message blob ${blobId.slice(0, 80)} does not exist`);
}

/** Bytes [start, end) by substring(): PostgreSQL decompresses only the prefix a slice needs. */
export async function readMessage(ctx: PgContext, blobId: string, start = 0, end?: number): Promise<Buffer> {
  const from = Math.max(0, Math.trunc(start));
  const length = end === undefined ? null : Math.max(0, Math.trunc(end) - from);
  const row = (
    await ctx.query<{ b: Buffer }>(
      length === null ? 'SELECT substring(bytes FROM $2::int) AS b FROM blobs WHERE id = $1' : 'SELECT substring(bytes FROM $2::int FOR $3::int) AS b FROM blobs WHERE id = $1',
      length === null ? [blobId, from + 1] : [blobId, from + 1, length],
    )
  ).rows[0];
  if (!row) throw missing(blobId);
  return row.b;
}

/** Streams in 1 MiB slices, one query each, so a large body never sits in memory whole. */
const SLICE = 1 << 20;

export function streamMessage(ctx: PgContext, blobId: string, start = 0, end?: number): Readable {
  let position = Math.max(0, Math.trunc(start));
  let limit = end === undefined ? Number.POSITIVE_INFINITY : Math.trunc(end);
  let first = true;
  return new Readable({
    read() {
      void (async () => {
        if (first) {
          first = false;
          const row = (await ctx.query<{ size: number }>('SELECT size FROM blobs WHERE id = $1', [blobId])).rows[0];
          if (!row) throw missing(blobId);
          limit = Math.min(limit, row.size);
        }
        if (position >= limit) return this.push(null);
        const upto = Math.min(limit, position + SLICE);
        const chunk = await readMessage(ctx, blobId, position, upto);
        position = upto;
        if (chunk.length === 0) return this.push(null);
        this.push(chunk);
      })().catch((err: unknown) => this.destroy(err instanceof Error ? err : new Error(String(err))));
    },
  });
}
