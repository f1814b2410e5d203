// Message bytes kept in the blobs row (column bytes) instead of a file: DESIGN.md allows "files or
// database" for blobs/; the SQLite store keeps small messages in the database and big ones in files.
// bytes IS NULL means the bytes are in the file (every row from before migration 14, and big messages).
//
// The bytes come last in the row, after the summary and body text, so a read walks those columns'
// overflow pages first. A narrow table of (id, bytes) was tried and taken back (docs/BENCHMARKS.md
// part 7): the first reads after the page cache was emptied were faster from it, but a row's
// overflow pages lie one after the other, so the kernel's readahead brings in neighbouring messages
// along with them, and the row layout was warm after ~30,000 random reads where the narrow table
// was not (3 x 8 s of random BODY.PEEK[] after dropping the caches: 15.9 / 42.0 / 36.5 MB/s
// against 16.7 / 22.3 / 29.8).
import { Readable } from 'node:stream';
import type Database from 'better-sqlite3';
import type { FileBlobStore } from '../blobs/file-blobs.js';
import { BYTES_SQL, type MappedReader } from './mapped-reader.js';

/**
 * Messages up to this size keep their bytes in their blobs row; bigger ones a content-addressed file.
 * Most mail is smaller. SQLite reads blobs of up to tens of KB about as fast as separate files or
 * faster (its measurements: sqlite.org/intern-v-extern-blob.html), and an APPEND of such a message
 * needs no file syscalls and no fsync of its own: its bytes are in the append's transaction, whose WAL
 * fsync the group commit shares with the other appends of the batch (store micro-benchmark, 10
 * appenders of 4 KB: ~3x the messages per second). Bigger messages keep a file and stream from it.
 */
export const INLINE_BLOB_MAX_BYTES = 64 * 1024;

/** Whether a content of this size is stored in the database row (at insert time; old rows may differ). */
export function storesInline(size: number, limit: number): boolean {
  return size <= limit;
}

const bytesStatements = new WeakMap<Database.Database, Database.Statement>();

/**
 * Bytes [start, end) of a content stored in its row (cut short at its end); null when the bytes are
 * in the file, or when there is no row (the caller's file read then answers, NONEXISTENT if none).
 * The column is read whole and cut here: SQLite loads a blob value whole for substr() too, so a
 * range in SQL saves no page reads, only costs a function call and a copy (in-process, 10,000-message
 * store, 6 rounds of 30,000 random reads: median ~23.5 us with substr, ~19 us like this).
 * With `mapped`, the row is read through the memory map first (mapped-reader.ts), and from `db` only
 * when the map's connection does not see it (a row of a transaction not committed yet).
 */
export function inlineBytes(db: Database.Database, id: string, start = 0, end?: number, mapped: MappedReader | null = null): Buffer | null {
  // undefined: no row; null: the bytes are in the file; an empty blob comes back as an empty Buffer.
  let bytes = mapped?.bytes(id);
  if (bytes === undefined) {
    let statement = bytesStatements.get(db);
    if (!statement) {
      statement = db.prepare(BYTES_SQL).pluck(true);
      bytesStatements.set(db, statement);
    }
    bytes = statement.get(id) as Buffer | null | undefined;
  }
  if (bytes === undefined || bytes === null) return null;
  if (start === 0 && (end === undefined || end >= bytes.length)) return bytes;
  return bytes.subarray(Math.min(start, bytes.length), end === undefined ? bytes.length : Math.max(start, Math.min(end, bytes.length)));
}

/** A message's bytes [start, end), from its row or else from its file. */
export function readBlob(db: Database.Database, files: FileBlobStore, id: string, start?: number, end?: number, mapped: MappedReader | null = null): Promise<Buffer> {
  const inline = inlineBytes(db, id, start, end, mapped);
  return inline ? Promise.resolve(inline) : files.read(id, start, end);
}

/** A stream of a message's bytes [start, end), from its row or else from its file (a missing one
 *  shows up as an 'error' event, NONEXISTENT). */
export function streamBlob(db: Database.Database, files: FileBlobStore, id: string, start?: number, end?: number, mapped: MappedReader | null = null): Readable {
  const inline = inlineBytes(db, id, start, end, mapped);
  if (!inline) return files.stream(id, start, end);
  return Readable.from(inline.length > 0 ? [inline] : [], { objectMode: false });
}
