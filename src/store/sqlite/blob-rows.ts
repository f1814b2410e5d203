// The row of a new content in the blobs table: everything computed once per content at delivery
// (a long body text excepted: body-text.ts).
import type { MessageSummary } from '../../mime/types.js';
import { bodyTextColumns } from './body-text.js';
import type { SqliteContext } from './context.js';
import { insertEnvelopeText } from './envelope-text.js';
import { searchHeaderText } from './search-headers.js';

export interface NewBlobRow {
  readonly id: string;
  readonly size: number;
  readonly summary: MessageSummary;
  /** Null: longer than the row keeps (body-text.ts). */
  readonly bodyText: string | null;
  /** The message bytes when stored in the row (inline-blobs.ts), null when they are in a file. */
  readonly bytes: Buffer | null;
}

/** Inside a write transaction: the first reference to a content (refcount 1). */
export function insertBlobRow(ctx: SqliteContext, row: NewBlobRow): void {
  const text = bodyTextColumns(row.bodyText);
  ctx
    .stmt('INSERT INTO blobs (id, size, refcount, summary, body_text, body_text_in_file, search_headers, envelope, bytes) VALUES (?, ?, 1, ?, ?, ?, ?, ?, ?)')
    .run(row.id, row.size, JSON.stringify(row.summary), text.body_text, text.body_text_in_file, searchHeaderText(row.summary), JSON.stringify(row.summary.envelope), row.bytes);
  insertEnvelopeText(ctx, row.id, row.summary.envelope);
}
