// SEARCH header keys (and SENT*) on the PostgreSQL store (schema version 3): blobs.search_headers holds the folded
// header text per content (src/store/search-header-text.ts), written at delivery; SEARCH reads it in
// UID batches, or finds the messages containing a search string in one SQL pass (strpos), so that a
// header search no longer parses every message's summary. Contents stored before have NULL there:
// their text is computed from the summary's headers when read (the summary is the reference).
import type { MessageSummary } from '../../mime/types.js';
import { searchHeaderText } from '../search-header-text.js';
import { storableText, type PgContext } from './context.js';

/** The text as it would be computed from the stored summary, whose strings went through storableText. */
export function storableSearchHeaders(summary: Pick<MessageSummary, 'headers'>): string | null {
  return searchHeaderText({ headers: summary.headers.map(([name, value]) => [storableText(name), storableText(value)] as const) });
}

/** Per UID the folded header text; null where it cannot be one (a line break in a value). */
export async function getSearchHeaderText(ctx: PgContext, mailboxId: number, uids: readonly number[]): Promise<Map<number, string | null>> {
  const rows = (
    await ctx.query<{ uid: number; text: string | null; headers: MessageSummary['headers'] | null }>(
      `SELECT m.uid, b.search_headers AS text, CASE WHEN b.search_headers IS NULL THEN b.summary->'headers' END AS headers
         FROM messages m JOIN blobs b ON b.id = m.blob_id WHERE m.mailbox_id = $1 AND m.uid = ANY($2::bigint[])`,
      [mailboxId, uids],
    )
  ).rows;
  return new Map(rows.map((r) => [r.uid, r.text ?? (r.headers === null ? null : searchHeaderText({ headers: r.headers }))]));
}

/** As the SQLite store's scanSearchHeaders (message-search.ts): the messages in the UID range whose
 *  text contains one of `needles`, with it, and those without a stored text (null). */
export async function scanSearchHeaders(
  ctx: PgContext,
  mailboxId: number,
  needles: readonly string[],
  firstUid: number,
  lastUid: number,
): Promise<Map<number, string | null>> {
  const rows = (
    await ctx.query<{ uid: number; text: string | null }>(
      `SELECT m.uid, b.search_headers AS text FROM messages m JOIN blobs b ON b.id = m.blob_id
        WHERE m.mailbox_id = $1 AND m.uid BETWEEN $2 AND $3
          AND (b.search_headers IS NULL OR EXISTS (SELECT 1 FROM unnest($4::text[]) n WHERE strpos(b.search_headers, n) > 0))`,
      [mailboxId, firstUid, lastUid, needles],
    )
  ).rows;
  return new Map(rows.map((r) => [r.uid, r.text]));
}

/** The Date: header of each message for SEARCH SENT*: only summary->'sentDate' crosses the wire. */
export async function getSentDates(ctx: PgContext, mailboxId: number, uids: readonly number[]): Promise<Map<number, MessageSummary['sentDate']>> {
  const rows = (
    await ctx.query<{ uid: number; sent: MessageSummary['sentDate'] }>(
      `SELECT m.uid, b.summary->'sentDate' AS sent FROM messages m JOIN blobs b ON b.id = m.blob_id
        WHERE m.mailbox_id = $1 AND m.uid = ANY($2::bigint[])`,
      [mailboxId, uids],
    )
  ).rows;
  return new Map(rows.map((r) => [r.uid, r.sent ?? null]));
}
