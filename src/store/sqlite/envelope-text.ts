// The ENVELOPE of a content already in IMAP syntax (src/mime/envelope-imap.ts), kept at delivery in
// its own narrow table, blob_envelopes (schema 9), when every session receives the same bytes; the
// triggers of schema 11 copy it per message into message_envelopes, which FETCH reads.
// Not a column of blobs: a blobs row holds the summary and the body text
// (several KiB), so a column after them sits on overflow pages, and reading it for 10,000 messages
// cost about three times the lookup in a table of (blob id, text) alone (measured: ~35 ms against
// ~11 ms for FETCH 1:10000 (ENVELOPE)'s rows).
import type Database from 'better-sqlite3';
import { sessionIndependentEnvelopeImap } from '../../mime/envelope-imap.js';
import type { Envelope } from '../../mime/types.js';
import type { SqliteContext } from './context.js';

/** Inside the write transaction that inserted the blobs row: its envelope text, when there is one. */
export function insertEnvelopeText(ctx: SqliteContext, blobId: string, envelope: Envelope): void {
  const text = sessionIndependentEnvelopeImap(envelope);
  if (text !== null) ctx.stmt('INSERT OR REPLACE INTO blob_envelopes (blob_id, imap) VALUES (?, ?)').run(blobId, text);
}

/** SQL function for the migration's backfill: envelope JSON -> its text, or NULL when session-dependent. */
export function registerEnvelopeTextFunction(db: Database.Database): void {
  db.function('postkeep_envelope_imap', { deterministic: true }, (envelope: unknown) =>
    typeof envelope === 'string' ? sessionIndependentEnvelopeImap(JSON.parse(envelope) as Envelope) : null,
  );
}
