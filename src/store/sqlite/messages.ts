// Message reads of the SQLite store: list, changes, summaries, envelopes, header text.
// Appends are in append-one.ts / append-batch.ts, bytes in their rows or the blob files (inline-blobs.ts); flag changes,
// copy, move and expunge in mutations.ts.
import type { Envelope, MessageSummary } from '../../mime/types.js';
import { StoreError, type MailboxChanges, type MessageMeta } from '../types.js';
import { bodyTextFromFile } from './body-text.js';
import { readBlob } from './inline-blobs.js';
import { BODY_TEXT_SQL } from './mapped-reader.js';
import { MESSAGE_COLUMNS, type SqliteContext } from './context.js';
import { PAGE_ROWS, readPackedPages } from './message-pages.js';
import { searchHeaderText } from './search-headers.js';

export function listMessages(ctx: SqliteContext, mailboxId: number): MessageMeta[] {
  ctx.watched.add(mailboxId);
  return ctx.read(() => {
    ctx.requireMailbox(mailboxId);
    return readPackedPages(ctx, mailboxId) ?? listMessageRows(ctx, mailboxId);
  });
}

/** listMessages with one row array per message: the reader for rows readPackedPages cannot parse.
 *  Pages of PAGE_ROWS too: metas() holds a page's raw rows at once, so a mailbox of millions costs no
 *  more than that many of them on top of its metadata. Call inside one read transaction. */
function listMessageRows(ctx: SqliteContext, mailboxId: number): MessageMeta[] {
  const sql = `SELECT ${MESSAGE_COLUMNS} FROM messages WHERE mailbox_id = ? AND uid > ? ORDER BY uid LIMIT ${PAGE_ROWS}`;
  let all: MessageMeta[] | null = null;
  for (let after = 0; ; ) {
    const page = ctx.metas(sql, mailboxId, after);
    if (all === null) all = page;
    else for (const meta of page) all.push(meta);
    if (page.length < PAGE_ROWS) return all;
    after = (page[page.length - 1] as MessageMeta).uid;
  }
}

export function changesSince(ctx: SqliteContext, mailboxId: number, modseq: number): MailboxChanges {
  ctx.watched.add(mailboxId);
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

/** Per UID: the ENVELOPE as IMAP text (envelope-text.ts, message_envelopes), or, for contents without
 *  it (8-bit header values, rows from before), the Envelope for the caller to serialize in its
 *  session's mode; expunged UIDs are absent. `uids` ascending: when they fill most of their range
 *  (FETCH 1:*), one range scan of the primary key instead of a json_each list; messages of the range
 *  not asked for may be in the answer. */
export function getEnvelopeTexts(ctx: SqliteContext, mailboxId: number, uids: readonly number[]): Map<number, string | Envelope> {
  const out = new Map<number, string | Envelope>();
  const first = uids[0];
  const last = uids[uids.length - 1];
  if (first === undefined || last === undefined) return out;
  const dense = last >= first && last - first < 2 * uids.length;
  const rows = (
    dense
      ? ctx.stmt('SELECT uid, imap FROM message_envelopes WHERE mailbox_id = ? AND uid BETWEEN ? AND ?').raw(true).all(mailboxId, first, last)
      : ctx.stmt('SELECT uid, imap FROM message_envelopes WHERE mailbox_id = ? AND uid IN (SELECT value FROM json_each(?))').raw(true).all(mailboxId, JSON.stringify(uids))
  ) as Array<[number, string]>;
  for (const [uid, text] of rows) out.set(uid, text);
  const missing = uids.filter((uid) => !out.has(uid));
  if (missing.length > 0) for (const [uid, envelope] of getEnvelopes(ctx, mailboxId, missing)) out.set(uid, envelope);
  return out;
}

/** The body text from the row, or from the file for a text too long to be stored (body-text.ts). A
 *  file gone meanwhile (the last copy expunged) rejects NONEXISTENT, as a row gone does. */
export async function getBodyText(ctx: SqliteContext, blobId: string): Promise<string> {
  // Through the map when there is one; from the main connection when the map's snapshot lacks the row.
  const row = ctx.mapped?.bodyTextRow(blobId) ?? (ctx.stmt(BODY_TEXT_SQL).raw(true).get(blobId) as [string, string | null] | undefined);
  if (row === undefined) throw new StoreError('NONEXISTENT', `Message blob ${blobId} does not exist`);
  const [text, summary] = row;
  if (summary === null) return text;
  return bodyTextFromFile(ctx.analyze, await readBlob(ctx.db, ctx.blobs, blobId, undefined, undefined, ctx.mapped), JSON.parse(summary) as MessageSummary);
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

/** The Date: header of each message (summary.sentDate) for SEARCH SENT*, taken out of the summary in
 *  SQL: a few bytes to parse per message instead of the whole summary. */
export function getSentDates(ctx: SqliteContext, mailboxId: number, uids: readonly number[]): Map<number, MessageSummary['sentDate']> {
  const rows = ctx
    .stmt(
      `SELECT m.uid, json_extract(b.summary, '$.sentDate') FROM messages m JOIN blobs b ON b.id = m.blob_id
        WHERE m.mailbox_id = ? AND m.uid IN (SELECT value FROM json_each(?))`,
    )
    .raw(true)
    .all(mailboxId, JSON.stringify(uids)) as Array<[number, string | null]>;
  const out = new Map<number, MessageSummary['sentDate']>();
  for (const [uid, sent] of rows) out.set(uid, sent === null ? null : (JSON.parse(sent) as MessageSummary['sentDate']));
  return out;
}
