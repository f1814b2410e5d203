// Message bytes kept in the database instead of a file: DESIGN.md allows "files or database" for
// blobs/; the SQLite store keeps small messages in the database and big ones in files. A content
// with a row in blob_bytes has its bytes there; one without has them in its file (every content from
// before migration 14, and big messages).
//
// Why a table of their own (migration 15) and not the blobs row where they were first: SQLite keeps
// a row's columns in order and reaches a later column only by walking the overflow pages of every
// column before it. In the blobs row the bytes came after the summary, body text, search headers and
// envelope, so a BODY[] read ~4 pages of which one or two held the bytes. Mail that has not been read
// for a while is no longer in the page cache (on the benchmark machine the kernel pages out what
// nobody touched for 60 s), and every page is then a disk read. 100,000 messages, random reads after
// dropping the caches: 250-359 us per read from the blobs row, 181-237 us from this table (warm:
// 17.8 against 14.1 us). A WITHOUT ROWID table was far slower cold (777-916 us: its long text keys
// make a deep tree).
import { Readable } from 'node:stream';
import type Database from 'better-sqlite3';
import type { FileBlobStore } from '../blobs/file-blobs.js';

/**
 * Messages up to this size keep their bytes in the database (blob_bytes); bigger ones a
 * content-addressed file.
 * Most mail is smaller. SQLite reads blobs of up to tens of KB about as fast as separate files or
 * faster (its measurements: sqlite.org/intern-v-extern-blob.html), and an APPEND of such a message
 * needs no file syscalls and no fsync of its own: its bytes are in the append's transaction, whose WAL
 * fsync the group commit shares with the other appends of the batch (store micro-benchmark, 10
 * appenders of 4 KB: ~3x the messages per second). Bigger messages keep a file and stream from it.
 */
export const INLINE_BLOB_MAX_BYTES = 64 * 1024;

/** Whether a content of this size is stored in the database (at insert time; old rows may differ). */
export function storesInline(size: number, limit: number): boolean {
  return size <= limit;
}

const bytesStatements = new WeakMap<Database.Database, Database.Statement>();

/**
 * Bytes [start, end) of a content stored in the database (cut short at its end); null when the bytes
 * are in the file, or when there is no such content (the caller's file read then answers, NONEXISTENT
 * if none).
 * The column is read whole and cut here: SQLite loads a blob value whole for substr() too, so a
 * range in SQL saves no page reads, only costs a function call and a copy (in-process, 10,000-message
 * store, 6 rounds of 30,000 random reads: median ~23.5 us with substr, ~19 us like this).
 */
export function inlineBytes(db: Database.Database, id: string, start = 0, end?: number): Buffer | null {
  let statement = bytesStatements.get(db);
  if (!statement) {
    statement = db.prepare('SELECT bytes FROM blob_bytes WHERE id = ?').pluck(true);
    bytesStatements.set(db, statement);
  }
  // undefined: the bytes are in the file (or nowhere); an empty blob comes back as an empty Buffer.
  const bytes = statement.get(id) as Buffer | undefined;
  if (bytes === undefined) return null;
  if (start === 0 && (end === undefined || end >= bytes.length)) return bytes;
  return bytes.subarray(Math.min(start, bytes.length), end === undefined ? bytes.length : Math.max(start, Math.min(end, bytes.length)));
}

/** A message's bytes [start, end), from the database or else from its file. */
export function readBlob(db: Database.Database, files: FileBlobStore, id: string, start?: number, end?: number): Promise<Buffer> {
  const inline = inlineBytes(db, id, start, end);
  return inline ? Promise.resolve(inline) : files.read(id, start, end);
}

/** A stream of a message's bytes [start, end), from the database or else from its file (a missing one
 *  shows up as an 'error' event, NONEXISTENT). */
export function streamBlob(db: Database.Database, files: FileBlobStore, id: string, start?: number, end?: number): Readable {
  const inline = inlineBytes(db, id, start, end);
  if (!inline) return files.stream(id, start, end);
  return Readable.from(inline.length > 0 ? [inline] : [], { objectMode: false });
}
