// The on-disk layout of the blob directory, and the one-time move from the old one.
//
// Layout 1: <root>/ab/<sha256hex> (256 directories). Until it, files lived two levels down,
// <root>/ab/cd/<sha256hex> (65,536 directories): a store with fewer than ~200k messages made a new
// directory (mkdir + two directory fsyncs) for nearly every message. The marker file <root>/LAYOUT
// says the move is done; without it, every ab/cd/<id> is renamed to ab/<id>. Renames are atomic and
// the files content-addressed, so a crash half-way leaves each file complete at one place (or, at
// worst, at both: the same bytes) and the next open finishes; two processes moving at once only
// find files the other has moved already (ENOENT). Nothing reads a blob before the move is done.
import { closeSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmdirSync, statSync, unlinkSync, writeSync, type Dirent } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';

export const LAYOUT_VERSION = 1;
export const LAYOUT_MARKER = 'LAYOUT';
export const HEX64 = /^[0-9a-f]{64}$/;
export const HEX2 = /^[0-9a-f]{2}$/;
export const TEMP_PREFIX = '.tmp-';
/** A temp file this old in an old directory is left from a crash mid-write (collectOrphans' age). */
const STALE_TEMP_MS = 60 * 60 * 1000;

/** The directory of a blob (layout 1): <root>/<first two hex digits>. */
export function blobDir(root: string, id: string): string {
  return join(root, id.slice(0, 2));
}

/** What opening the directory changed: files moved to the new layout (0 once done). */
export interface LayoutMigration {
  readonly moved: number;
}

/** Makes sure `root` exists and is in the current layout; synchronous, before anything is served.
 *  With `fsync` false (tests) the same work is done without making it durable. */
export function ensureLayout(root: string, fsync: boolean): LayoutMigration {
  const marker = join(root, LAYOUT_MARKER);
  const version = readMarker(marker);
  if (version === LAYOUT_VERSION) return { moved: 0 };
  if (version !== null) throw new Error(`${marker} says layout ${version}; this Postkeep knows layout ${LAYOUT_VERSION} only`);
  let moved = 0;
  if (!exists(root)) {
    mkdirSync(root, { recursive: true });
    if (fsync) fsyncDirSync(join(root, '..'));
    // All 256 directories at once, made durable by one fsync of the root: created on demand, each
    // cost its first message an mkdir and a root fsync of its own.
    for (let i = 0; i < 256; i++) mkdirSync(join(root, i.toString(16).padStart(2, '0')));
    if (fsync) fsyncDirSync(root);
  } else {
    for (const first of subdirectories(root)) moved += flattenFirstLevel(join(root, first.name), first.name, fsync);
  }
  // Only after every moved file's new entry is durable: a marker may never promise a move that is not.
  writeMarker(root, fsync);
  return { moved };
}

/** Moves ab/cd/<id> to ab/<id> for every cd under one ab; returns the number moved. */
function flattenFirstLevel(dir: string, first: string, fsync: boolean): number {
  let moved = 0;
  let changed = false;
  const emptied: string[] = [];
  for (const second of subdirectories(dir)) {
    const old = join(dir, second.name);
    for (const name of readdirOrEmpty(old)) {
      const from = join(old, name);
      if (name.startsWith(TEMP_PREFIX)) {
        removeIfStale(from);
      } else if (HEX64.test(name) && name.startsWith(first + second.name)) {
        const to = join(dir, name);
        // Same name, same content: a copy already at the destination (moved before a crash, or
        // written since) makes this one redundant.
        if (exists(to)) ignoreMissing(() => unlinkSync(from));
        else if (ignoreMissing(() => renameSync(from, to))) moved++;
        changed = true;
      }
    }
    emptied.push(old);
  }
  // The new entries must be durable before their old directory goes (and before the marker).
  if (changed && fsync) fsyncDirSync(dir);
  for (const old of emptied) removeIfEmpty(old);
  return moved;
}

function readMarker(path: string): number | null {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  const version = Number(text.trim());
  if (!Number.isInteger(version) || version < 1) throw new Error(`${path} does not hold a layout version: ${JSON.stringify(text.slice(0, 40))}`);
  return version;
}

/** temp file + fsync + rename + fsync of the root: the marker is there whole or not at all. */
function writeMarker(root: string, fsync: boolean): void {
  const temp = join(root, `${TEMP_PREFIX}${LAYOUT_MARKER}-${process.pid}-${randomBytes(6).toString('hex')}`);
  const fd = openSync(temp, 'wx', 0o600);
  try {
    writeSync(fd, `${LAYOUT_VERSION}\n`);
    if (fsync) fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temp, join(root, LAYOUT_MARKER));
  if (fsync) fsyncDirSync(root);
}

/** Deletes a temp file left by a crash long ago; a young one may still be written by a process
 *  of the old version, so it stays (and keeps its directory). */
function removeIfStale(path: string): void {
  try {
    if (statSync(path).mtimeMs <= Date.now() - STALE_TEMP_MS) unlinkSync(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
}

function removeIfEmpty(dir: string): void {
  try {
    rmdirSync(dir);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'ENOTEMPTY' && code !== 'EEXIST' && code !== 'ENOENT') throw err;
  }
}

/** Runs a rename or unlink; false if the source was gone (another process moved it first). */
function ignoreMissing(action: () => void): boolean {
  try {
    action();
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw err;
  }
}

function subdirectories(dir: string): Dirent[] {
  let entries: Dirent[];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  return entries.filter((e) => e.isDirectory() && HEX2.test(e.name));
}

function readdirOrEmpty(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
}

function exists(path: string): boolean {
  try {
    statSync(path);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw err;
  }
}

function fsyncDirSync(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
