// Message bytes kept in the blobs row (column bytes) instead of a file: DESIGN.md allows "files or
// database" for blobs/; the SQLite store keeps small messages in the database and big ones in files.
// bytes IS NULL means the bytes are in the file (every row from before migration 14, and big messages).
import { Readable } from 'node:stream';
import type Database from 'better-sqlite3';
import type { FileBlobStore } from '../blobs/file-blobs.js';

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

const rangeStatements = new WeakMap<Database.Database, Database.Statement>();

/**
 * Bytes [start, end) of a content stored in its row (cut short at its end); null when the bytes are
 * in the file, or when there is no row (the caller's file read then answers, NONEXISTENT if none).
 */
export function inlineBytes(db: Database.Database, id: string, start = 0, end?: number): Buffer | null {
  let statement = rangeStatements.get(db);
  if (!statement) {
    statement = db.prepare('SELECT bytes IS NULL, substr(bytes, ?, ?) FROM blobs WHERE id = ?').raw(true);
    rangeStatements.set(db, statement);
  }
  const length = end === undefined ? Number.MAX_SAFE_INTEGER : Math.max(0, end - start);
  const row = statement.get(start + 1, length, id) as [number, Buffer | null] | undefined;
  if (row === undefined || row[0] === 1) return null;
  return row[1] ?? Buffer.alloc(0); // substr of an empty blob is NULL
}

/** A message's bytes [start, end), from its row or else from its file. */
export function readBlob(db: Database.Database, files: FileBlobStore, id: string, start?: number, end?: number): Promise<Buffer> {
  const inline = inlineBytes(db, id, start, end);
  return inline ? Promise.resolve(inline) : files.read(id, start, end);
}

/** A stream of a message's bytes [start, end), from its row or else from its file (a missing one
 *  shows up as an 'error' event, NONEXISTENT). */
export function streamBlob(db: Database.Database, files: FileBlobStore, id: string, start?: number, end?: number): Readable {
  const inline = inlineBytes(db, id, start, end);
  if (!inline) return files.stream(id, start, end);
  return Readable.from(inline.length > 0 ? [inline] : [], { objectMode: false });
}
