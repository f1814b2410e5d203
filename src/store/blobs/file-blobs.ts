// Message bytes as content-addressed files: <root>/ab/<sha256hex> (layout.ts). A file that the
// metadata store refers to is always complete: it is created at its final name, and both the file
// and the directory are fsynced before the commit that refers to it (rule 1; writeNew() says why an
// unreferenced one may not be). Files are immutable; deletion is decided by the metadata store
// (reference counts) and happens after its commit, so a crash leaves at worst an orphan file, which
// collectOrphans() removes later, never a reference to a missing or incomplete file.
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, openSync, closeSync, readSync, renameSync, unlinkSync, writeSync, open as fsOpen, read as fsRead, close as fsClose, fstat as fsFstat, fsync as fsFsync, write as fsWrite } from 'node:fs';
import { mkdir, open, readdir, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { StoreError } from '../types.js';
import { blobDir, ensureLayout, HEX2, HEX64, TEMP_PREFIX, type LayoutMigration } from './layout.js';

/** Reads of a known length up to this size are made with synchronous calls on the event loop. A
 *  small blob is almost always in the page cache, where open + read + close cost a few microseconds;
 *  through libuv's thread pool each call is a hand-off and a wake-up (tens of microseconds on a busy
 *  machine, and the pool has 4 threads shared by every connection), which bounded one connection's
 *  pipelined FETCH BODY[] rate. The bound keeps the worst case (a cold disk read) short. */
const SYNC_READ_MAX_BYTES = 64 * 1024;
/** New blobs up to this size are written with synchronous calls (only the fsync goes to the pool). */
const SYNC_WRITE_MAX_BYTES = 64 * 1024;

export interface FileBlobOptions {
  /** fsync files and directories (default true). Only tests turn this off, for speed. */
  readonly fsync?: boolean;
}

export function sha256Hex(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

export class FileBlobStore {
  private readonly fsync: boolean;
  /** Directories known to exist (and to be durable), so a write costs no mkdir after the first. */
  private readonly knownDirs = new Set<string>();
  /** What opening changed: files moved from the old two-level layout (0 once done). */
  readonly layoutMigration: LayoutMigration;

  /** Creates the directory, or moves an old-layout one to the current layout (synchronous: it runs
   *  once, before anything reads or writes a blob, so reads need no fallback to the old place). */
  constructor(
    readonly root: string,
    options: FileBlobOptions = {},
  ) {
    this.fsync = options.fsync ?? true;
    this.layoutMigration = ensureLayout(root, this.fsync);
  }

  /** The file of a blob; rejects anything that is not a sha256 hex id (no path tricks). */
  pathFor(id: string): string {
    if (!HEX64.test(id)) throw new StoreError('NONEXISTENT', `"${id}" is not a message blob id`);
    return join(blobDir(this.root, id), id);
  }

  exists(id: string): boolean {
    return existsSync(this.pathFor(id));
  }

  /** Stores the bytes durably and returns their id; `created` is false when a file with that name
   *  was there already (it is replaced: it may be a crash's incomplete leftover, see below). */
  async write(bytes: Buffer, knownId?: string): Promise<{ id: string; created: boolean }> {
    const id = knownId ?? sha256Hex(bytes);
    const path = this.pathFor(id);
    const dir = blobDir(this.root, id);
    await this.ensureDir(dir);
    // One write per content at a time in this process: a second one would find the first's file
    // at the final name before it is durable. Once the first has succeeded, the file is durable.
    const running = this.writing.get(id);
    if (running) {
      if (await running.then(() => true, () => false)) return { id, created: false };
      return this.write(bytes, id);
    }
    const done = this.writeNew(bytes, path, dir);
    this.writing.set(id, done);
    try {
      return { id, created: await done };
    } finally {
      this.writing.delete(id);
    }
  }
  private readonly writing = new Map<string, Promise<boolean>>();

  /**
   * The bytes are written straight at the final name, created exclusively; the file's fsync and the
   * directory's fsync run at the same time (one disk wait instead of two in a row), and the caller
   * commits only after both (rule 1). So a file at its final name may be incomplete after a crash,
   * but then nothing refers to it: a later write of the same bytes finds the name taken and
   * replaces it (replaceTaken()); collectOrphans() removes leftovers nobody writes again. Creating the
   * final name at once, instead of a temp file linked there and then unlinked, saves two directory
   * updates and two syscalls per message (docs/BENCHMARKS.md part 17).
   */
  private async writeNew(bytes: Buffer, path: string, dir: string): Promise<boolean> {
    let fd: number;
    try {
      // The create in the pool: it may wait for the file system's journal while other fsyncs run
      // (13% of the event loop when it was synchronous).
      fd = await openFd(path, 'wx', 0o600);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      return this.replaceTaken(bytes, path, dir);
    }
    try {
      await writeWhole(fd, bytes);
      if (this.fsync) await Promise.all([fsyncFd(fd), fsyncDir(dir)]);
      return true;
    } finally {
      // A failed write leaves an incomplete file that nothing refers to: the next write of these
      // bytes replaces it, collectOrphans() removes it otherwise. Unlinking it here could remove
      // another process's complete file that replaced it meanwhile.
      closeSync(fd);
    }
  }

  /** The name is taken: an earlier crash's leftover (maybe incomplete) or another process's file in
   *  flight. Ours goes to a temp file, made durable before it replaces that one, so the name never
   *  shows incomplete bytes once a commit may refer to it. */
  private async replaceTaken(bytes: Buffer, path: string, dir: string): Promise<boolean> {
    const temp = join(dir, `${TEMP_PREFIX}${randomBytes(8).toString('hex')}-${process.pid}`);
    const fd = await openFd(temp, 'wx', 0o600);
    let tempExists = true;
    try {
      await writeWhole(fd, bytes);
      if (this.fsync) await fsyncFd(fd);
      renameSync(temp, path);
      tempExists = false;
      if (this.fsync) await fsyncDir(dir);
      return false;
    } finally {
      closeSync(fd);
      if (tempExists) {
        try {
          unlinkSync(temp);
        } catch {
          // already gone; the write's error is the one to report
        }
      }
    }
  }

  /** Bytes [start, end) of a blob, clamped to its size. With `end` given (FETCH knows the size) no
   *  fstat is made: a small range is read synchronously (readSmall), a bigger one with open + read
   *  in the thread pool, the close not waited for. Async: a bad id or a missing file rejects. */
  async read(id: string, start = 0, end?: number): Promise<Buffer> {
    const path = this.pathFor(id);
    if (end !== undefined && end - start <= SYNC_READ_MAX_BYTES) return readSmall(id, path, Math.max(0, start), end);
    return new Promise((resolve, reject) => {
      fsOpen(path, 'r', (openErr, fd) => {
        if (openErr) return reject(missing(id, openErr));
        const fail = (err: unknown): void => {
          fsClose(fd, () => undefined);
          reject(err instanceof Error ? err : new Error(String(err)));
        };
        const done = (buffer: Buffer): void => {
          fsClose(fd, () => undefined); // nothing to wait for: the file is only read
          resolve(buffer);
        };
        const from = Math.max(0, start);
        if (end !== undefined) return readFully(fd, from, Math.max(0, end - from), done, fail);
        fsFstat(fd, (statErr, info) => {
          if (statErr) return fail(statErr);
          const clamped = Math.min(from, info.size);
          readFully(fd, clamped, info.size - clamped, done, fail);
        });
      });
    });
  }

  /** A stream of bytes [start, end). A missing blob shows up as an 'error' event (NONEXISTENT). */
  stream(id: string, start = 0, end?: number): Readable {
    const path = this.pathFor(id);
    if (end !== undefined && end <= start) return Readable.from([], { objectMode: false });
    async function* chunks(): AsyncGenerator<Buffer> {
      let handle;
      try {
        handle = await open(path, 'r');
      } catch (err) {
        throw missing(id, err);
      }
      // The stream owns the handle from here and closes it when done or destroyed.
      const file = handle.createReadStream(end === undefined ? { start } : { start, end: end - 1 });
      try {
        for await (const chunk of file) yield chunk as Buffer;
      } finally {
        file.destroy();
      }
    }
    return Readable.from(chunks(), { objectMode: false });
  }

  /** Removes a blob file; only the metadata store calls this, while it holds its write lock and has
   *  checked that no reference exists. Not-found is fine (already gone). */
  removeSync(id: string): boolean {
    try {
      unlinkSync(this.pathFor(id));
      return true;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
      throw err;
    }
  }

  /** Every blob file, with its age, for consistency checks. Stale temp files (from a crash mid-write)
   *  are reported separately. Anything else (the LAYOUT marker, a directory the old layout left
   *  because it still held something) is not ours to report. */
  async listFiles(): Promise<{ blobs: Array<{ id: string; mtimeMs: number }>; temps: Array<{ path: string; mtimeMs: number }> }> {
    const blobs: Array<{ id: string; mtimeMs: number }> = [];
    const temps: Array<{ path: string; mtimeMs: number }> = [];
    for (const first of await readdirOrEmpty(this.root)) {
      if (!HEX2.test(first)) continue;
      const dir = join(this.root, first);
      for (const name of await readdirOrEmpty(dir)) {
        const isTemp = name.startsWith(TEMP_PREFIX);
        if (!isTemp && !(HEX64.test(name) && name.startsWith(first))) continue;
        const info = await stat(join(dir, name)).catch(() => null);
        if (!info?.isFile()) continue;
        if (isTemp) temps.push({ path: join(dir, name), mtimeMs: info.mtimeMs });
        else blobs.push({ id: name, mtimeMs: info.mtimeMs });
      }
    }
    return { blobs, temps };
  }

  /** Removes files that no message refers to. `removeIfOrphan` is supplied by the metadata store: it
   *  checks for references and calls removeSync under its write lock, so that a concurrent append of
   *  the same bytes cannot lose its file. Files younger than minAgeMs are left alone: an append may
   *  have written one and not yet committed. Returns the ids removed. */
  async collectOrphans(removeIfOrphan: (id: string) => boolean, minAgeMs = 60 * 60 * 1000): Promise<string[]> {
    const { blobs, temps } = await this.listFiles();
    const cutoff = Date.now() - minAgeMs;
    const removed: string[] = [];
    for (const blob of blobs) {
      if (blob.mtimeMs <= cutoff && removeIfOrphan(blob.id)) removed.push(blob.id);
    }
    for (const temp of temps) {
      if (temp.mtimeMs <= cutoff) await unlink(temp.path).catch(() => undefined);
    }
    return removed;
  }

  /** The blob's directory under the root. One of 256, all made with a new store (layout.ts); a
   *  store made by an older Postkeep may lack some. A stat of a cached entry costs
   *  microseconds, an mkdir that fails with EEXIST a pool hand-off and an Error with its stack. */
  private async ensureDir(dir: string): Promise<void> {
    if (this.knownDirs.has(dir)) return;
    if (existsSync(dir)) {
      this.knownDirs.add(dir);
      return;
    }
    let created = true;
    try {
      await mkdir(dir);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      created = false;
    }
    // A new directory's entry lives in the root: make it durable before a file depends on it.
    if (created && this.fsync) await fsyncDir(this.root);
    this.knownDirs.add(dir);
  }
}

/** Small files with synchronous calls (into the page cache, microseconds each), big ones in the pool. */
function writeWhole(fd: number, bytes: Buffer): Promise<void> {
  if (bytes.length > SYNC_WRITE_MAX_BYTES) return writeAll(fd, bytes);
  writeAllSync(fd, bytes);
  return Promise.resolve();
}

function writeAllSync(fd: number, bytes: Buffer): void {
  let written = 0;
  while (written < bytes.length) written += writeSync(fd, bytes, written, bytes.length - written);
}

/** Writes in the thread pool (a big message: not worth blocking the event loop for). */
function writeAll(fd: number, bytes: Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    const step = (written: number): void => {
      if (written >= bytes.length) return resolve();
      fsWrite(fd, bytes, written, bytes.length - written, null, (err, n) => (err ? reject(err) : step(written + n)));
    };
    step(0);
  });
}

function openFd(path: string, flags: string, mode: number): Promise<number> {
  return new Promise((resolve, reject) => fsOpen(path, flags, mode, (err, fd) => (err ? reject(err) : resolve(fd))));
}

function fsyncFd(fd: number): Promise<void> {
  return new Promise((resolve, reject) => fsFsync(fd, (err) => (err ? reject(err) : resolve())));
}

/** Makes a directory's entries durable: opening and closing a directory are cheap and synchronous,
 *  the fsync goes to the thread pool. */
async function fsyncDir(dir: string): Promise<void> {
  const fd = openSync(dir, 'r');
  try {
    await fsyncFd(fd);
  } finally {
    closeSync(fd);
  }
}

async function readdirOrEmpty(dir: string): Promise<string[]> {
  try {
    return await readdir(dir);
  } catch {
    return [];
  }
}

/** Bytes [start, end) of a small blob with synchronous calls (see SYNC_READ_MAX_BYTES); shorter
 *  when the file ends first. A missing file (expunged and reaped) throws NONEXISTENT. */
function readSmall(id: string, path: string, start: number, end: number): Buffer {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (err) {
    throw missing(id, err);
  }
  try {
    const length = Math.max(0, end - start);
    const buffer = Buffer.allocUnsafe(length);
    let got = 0;
    while (got < length) {
      const n = readSync(fd, buffer, got, length - got, start + got);
      if (n === 0) return buffer.subarray(0, got);
      got += n;
    }
    return buffer;
  } finally {
    closeSync(fd);
  }
}

/** Up to `length` bytes at `position`; shorter when the file ends first (a range past the end). */
function readFully(fd: number, position: number, length: number, done: (b: Buffer) => void, fail: (e: unknown) => void): void {
  const buffer = Buffer.allocUnsafe(length);
  const step = (got: number): void => {
    if (got >= length) return done(buffer);
    fsRead(fd, buffer, got, length - got, position + got, (err, bytesRead) => {
      if (err) return fail(err);
      if (bytesRead === 0) return done(buffer.subarray(0, got));
      step(got + bytesRead);
    });
  };
  step(0);
}

function missing(id: string, err: unknown): Error {
  if ((err as NodeJS.ErrnoException).code === 'ENOENT') return new StoreError('NONEXISTENT', `Message blob ${id} does not exist`);
  return err instanceof Error ? err : new Error(String(err));
}
