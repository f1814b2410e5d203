// The blob directory's layout: a store written in the old two-level layout (ab/cd/<id>) is moved to
// ab/<id> when opened, completely, once, and safely after a crash half-way or with two processes.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmdirSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { test } from 'node:test';
import { FileBlobStore, sha256Hex } from '../../src/store/blobs/file-blobs.js';

const HOUR_MS = 3600_000;

function withRoot(body: (root: string) => Promise<void>): () => Promise<void> {
  return async () => {
    const dir = mkdtempSync(join(tmpdir(), 'postkeep-layout-'));
    try {
      await body(join(dir, 'blobs'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
}

/** Distinct messages; the first two share their first hex digits (two cd directories under one ab). */
function messages(count: number): Buffer[] {
  const out = Array.from({ length: count - 1 }, (_, i) => Buffer.from(`Subject: message ${i}\r\n\r\n${'x'.repeat(i)}\r\n`));
  const firstId = sha256Hex(out[0] ?? Buffer.alloc(0));
  for (let n = 0; ; n++) {
    const neighbour = Buffer.from(`Subject: neighbour ${n}\r\n\r\nbody\r\n`);
    const id = sha256Hex(neighbour);
    if (id.slice(0, 2) === firstId.slice(0, 2) && id.slice(2, 4) !== firstId.slice(2, 4)) return [neighbour, ...out];
  }
}

const oldDir = (root: string, id: string): string => join(root, id.slice(0, 2), id.slice(2, 4));
const newPath = (root: string, id: string): string => join(root, id.slice(0, 2), id);

/** Writes a file where the old layout kept it. */
function writeOld(root: string, bytes: Buffer): string {
  const id = sha256Hex(bytes);
  mkdirSync(oldDir(root, id), { recursive: true });
  writeFileSync(join(oldDir(root, id), id), bytes);
  return id;
}

/** Every path under root with its size, to compare a tree before and after. */
function tree(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      const info = statSync(path);
      if (info.isDirectory()) walk(path);
      out.push(`${relative(root, path)} ${info.isDirectory() ? 'dir' : info.size}`);
    }
  };
  walk(root);
  return out.sort();
}

test(
  'an old-layout store is moved to ab/<id> on open (with fsync): every blob reads back byte-identical; a second open changes nothing',
  withRoot(async (root) => {
    const bytes = messages(40);
    const ids = bytes.map((b) => writeOld(root, b));
    // Temp files left in old directories by crashed writers: an old one goes, a young one stays.
    const stale = join(oldDir(root, ids[0] ?? ''), '.tmp-stale');
    writeFileSync(stale, 'half');
    const old = new Date(Date.now() - 2 * HOUR_MS);
    utimesSync(stale, old, old);
    const young = join(oldDir(root, ids[2] ?? ''), '.tmp-young');
    writeFileSync(young, 'half');

    const blobs = new FileBlobStore(root, { fsync: true });
    assert.equal(blobs.layoutMigration.moved, ids.length);
    assert.equal(readFileSync(join(root, 'LAYOUT'), 'utf8'), '1\n');
    for (const [i, id] of ids.entries()) {
      assert.ok(existsSync(newPath(root, id)), `${id} is at its new place`);
      assert.deepEqual(await blobs.read(id), bytes[i]);
    }
    assert.equal(existsSync(stale), false, 'a temp file older than an hour is removed');
    assert.ok(existsSync(young), 'a young temp file is left, and with it its directory');
    for (const id of ids.filter((id) => oldDir(root, id) !== oldDir(root, ids[2] ?? ''))) {
      assert.equal(existsSync(oldDir(root, id)), false, `${oldDir(root, id)} is removed once empty`);
    }
    assert.deepEqual((await blobs.listFiles()).blobs.map((b) => b.id).sort(), [...ids].sort());

    const before = tree(root);
    const again = new FileBlobStore(root, { fsync: true });
    assert.equal(again.layoutMigration.moved, 0);
    assert.deepEqual(tree(root), before, 'the second open is a no-op');
  }),
);

test(
  'a move interrupted half-way (some files moved, one in both places, no marker) is finished on the next open',
  withRoot(async (root) => {
    const bytes = messages(12);
    const ids = bytes.map((b) => writeOld(root, b));
    // Moved before the crash: the first four only at their new place, the fifth in both places.
    for (const id of ids.slice(0, 5)) writeFileSync(newPath(root, id), readFileSync(join(oldDir(root, id), id)));
    for (const id of ids.slice(0, 4)) rmSync(join(oldDir(root, id), id));

    const blobs = new FileBlobStore(root, { fsync: false });
    assert.equal(blobs.layoutMigration.moved, ids.length - 5, 'the duplicate is removed, not counted');
    for (const [i, id] of ids.entries()) {
      assert.deepEqual(readFileSync(newPath(root, id)), bytes[i]);
      assert.equal(existsSync(oldDir(root, id)), false);
    }
    assert.deepEqual(tree(root).filter((line) => !line.startsWith('LAYOUT')).length, ids.length + new Set(ids.map((id) => id.slice(0, 2))).size);
  }),
);

test(
  'a new store gets the marker and its 256 directories at once, an empty directory the marker; an unknown layout version is refused',
  withRoot(async (root) => {
    const fresh = new FileBlobStore(root, { fsync: true });
    assert.equal(fresh.layoutMigration.moved, 0);
    const dirs = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));
    assert.deepEqual(readdirSync(root).sort(), ['LAYOUT', ...dirs].sort());
    for (const dir of dirs) rmdirSync(join(root, dir));
    rmSync(join(root, 'LAYOUT'));
    new FileBlobStore(root, { fsync: false });
    assert.deepEqual(readdirSync(root), ['LAYOUT']);
    writeFileSync(join(root, 'LAYOUT'), '2\n');
    assert.throws(() => new FileBlobStore(root, { fsync: false }), /says layout 2; this Postkeep knows layout 1 only/);
  }),
);

test(
  'listFiles and collectOrphans find blobs and temp files in ab/ and ignore the marker and leftovers of the old layout',
  withRoot(async (root) => {
    const blobs = new FileBlobStore(root, { fsync: false });
    const keep = await blobs.write(Buffer.from('keep'));
    const drop = await blobs.write(Buffer.from('drop'));
    const temp = join(root, drop.id.slice(0, 2), '.tmp-crashed');
    writeFileSync(temp, 'partial');
    // An old directory still holding something (a young temp file of the old layout), and a stray file.
    mkdirSync(join(root, keep.id.slice(0, 2), 'ff'));
    writeFileSync(join(root, keep.id.slice(0, 2), 'ff', '.tmp-young'), 'half');
    writeFileSync(join(root, keep.id.slice(0, 2), 'notes.txt'), 'hello');
    const listed = await blobs.listFiles();
    assert.deepEqual(listed.blobs.map((b) => b.id).sort(), [keep.id, drop.id].sort());
    assert.deepEqual(listed.temps.map((t) => t.path), [temp]);
    const old = new Date(Date.now() - 2 * HOUR_MS);
    utimesSync(temp, old, old);
    assert.deepEqual(await blobs.collectOrphans((id) => id !== keep.id && blobs.removeSync(id), 0), [drop.id]);
    assert.equal(existsSync(temp), false);
    assert.ok(blobs.exists(keep.id) && existsSync(join(root, 'LAYOUT')));
  }),
);

test(
  'two processes opening an old-layout store at once both succeed and move every file exactly once',
  withRoot(async (root) => {
    const bytes = Array.from({ length: 3000 }, (_, i) => Buffer.from(`message ${i}\r\n`));
    const ids = bytes.map((b) => writeOld(root, b));
    const module = new URL('../../src/store/blobs/file-blobs.js', import.meta.url).href;
    const script = `const { FileBlobStore } = await import(${JSON.stringify(module)}); console.log(new FileBlobStore(${JSON.stringify(root)}, { fsync: false }).layoutMigration.moved);`;
    const open = (): Promise<{ code: number | null; out: string; err: string }> =>
      new Promise((resolve) => {
        const child = spawn(process.execPath, ['--input-type=module', '-e', script]);
        let out = '';
        let err = '';
        child.stdout.on('data', (d: Buffer) => (out += d.toString()));
        child.stderr.on('data', (d: Buffer) => (err += d.toString()));
        child.on('close', (code) => resolve({ code, out, err }));
      });
    const results = await Promise.all([open(), open()]);
    for (const r of results) assert.equal(r.code, 0, r.err);
    assert.equal(results.reduce((sum, r) => sum + Number(r.out.trim()), 0), ids.length);
    for (const [i, id] of ids.entries()) assert.deepEqual(readFileSync(newPath(root, id)), bytes[i]);
    assert.deepEqual((await new FileBlobStore(root, { fsync: false }).listFiles()).blobs.length, ids.length);
    for (const first of readdirSync(root).filter((name) => name !== 'LAYOUT')) {
      assert.ok(readdirSync(join(root, first)).every((name) => name.length === 64), `${first} holds blobs only`);
    }
  }),
);
