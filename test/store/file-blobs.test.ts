// Content-addressed blob files on their own.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { FileBlobStore, sha256Hex } from '../../src/store/blobs/file-blobs.js';

function withBlobs(fsync: boolean, body: (blobs: FileBlobStore, root: string) => Promise<void>): () => Promise<void> {
  return async () => {
    const dir = mkdtempSync(join(tmpdir(), 'postkeep-blobs-'));
    try {
      await body(new FileBlobStore(join(dir, 'blobs'), { fsync }), join(dir, 'blobs'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
}

test(
  'write (with fsync) stores under ab/<sha256>, reuses existing content, leaves no temp files',
  withBlobs(true, async (blobs, root) => {
    const bytes = Buffer.from('hello\r\n');
    const id = sha256Hex(bytes);
    const results = await Promise.all([blobs.write(bytes), blobs.write(bytes), blobs.write(bytes)]);
    assert.ok(results.every((r) => r.id === id));
    assert.deepEqual((await blobs.write(bytes)).created, false);
    assert.deepEqual(readdirSync(join(root, id.slice(0, 2))), [id]);
    // A new store makes its 256 directories at once (layout.ts), so no write waits for an mkdir.
    assert.deepEqual(readdirSync(root).sort(), ['LAYOUT', ...Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'))].sort());
    assert.deepEqual(await blobs.read(id), bytes);
    assert.deepEqual(await blobs.read(id, 1, 3), Buffer.from('el'));
  }),
);

test(
  'an incomplete file left at the final name by a crash is replaced, not trusted (small and big writes)',
  withBlobs(true, async (blobs, root) => {
    for (const bytes of [Buffer.from('Subject: x\r\n\r\nbody\r\n'), Buffer.alloc(300 * 1024, 'a')]) {
      const id = sha256Hex(bytes);
      mkdirSync(join(root, id.slice(0, 2)), { recursive: true });
      writeFileSync(join(root, id.slice(0, 2), id), bytes.subarray(0, 3)); // as a power cut could leave it
      const result = await blobs.write(bytes);
      assert.equal(result.created, false, 'the name was taken');
      assert.deepEqual(await blobs.read(id), bytes);
      assert.deepEqual(readdirSync(join(root, id.slice(0, 2))), [id], 'no temp file left');
    }
  }),
);

test(
  'a big blob (written in the thread pool) reads back whole; concurrent writes of it agree',
  withBlobs(true, async (blobs) => {
    const bytes = Buffer.alloc(500 * 1024);
    for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 7) & 0xff;
    const results = await Promise.all([blobs.write(bytes), blobs.write(bytes)]);
    assert.deepEqual(results.map((r) => r.created).sort(), [false, true]);
    assert.deepEqual(await blobs.read(sha256Hex(bytes)), bytes);
  }),
);

test(
  'pathFor refuses ids that are not sha256 hex',
  withBlobs(false, async (blobs) => {
    for (const bad of ['', '../x', 'A'.repeat(64), '0'.repeat(63)]) assert.throws(() => blobs.pathFor(bad));
  }),
);

test(
  'collectOrphans removes unreferenced old files and stale temp files only',
  withBlobs(false, async (blobs) => {
    const keep = await blobs.write(Buffer.from('keep'));
    const drop = await blobs.write(Buffer.from('drop'));
    const dir = join(blobs.root, drop.id.slice(0, 2));
    const temp = join(dir, '.tmp-crashed');
    writeFileSync(temp, 'partial');
    const old = new Date(Date.now() - 2 * 3600_000);
    utimesSync(temp, old, old);
    const removed = await blobs.collectOrphans((id) => id !== keep.id && blobs.removeSync(id), 0);
    assert.deepEqual(removed, [drop.id]);
    assert.ok(blobs.exists(keep.id));
    assert.deepEqual(readdirSync(dir).filter((name) => name !== keep.id), []);
    assert.equal(blobs.removeSync(drop.id), false, 'removing twice is fine');
  }),
);

test(
  'read: small ranges (synchronous path) and large ones (thread pool) give the same bytes; a removed blob rejects NONEXISTENT',
  withBlobs(false, async (blobs) => {
    const small = Buffer.from('Subject: hi\r\n\r\nbody\r\n');
    const big = Buffer.alloc(200 * 1024, 'x');
    big.write('head', 0);
    const s = await blobs.write(small);
    const b = await blobs.write(big);
    assert.deepEqual(await blobs.read(s.id, 0, small.length), small);
    assert.deepEqual(await blobs.read(s.id, 9, 11), Buffer.from('hi'));
    assert.deepEqual(await blobs.read(s.id, 15, small.length + 100), Buffer.from('body\r\n'), 'a range past the end is cut short');
    assert.deepEqual(await blobs.read(b.id, 0, big.length), big);
    assert.deepEqual(await blobs.read(b.id, 0, 4), Buffer.from('head'));
    assert.ok(blobs.removeSync(s.id) && blobs.removeSync(b.id));
    for (const [id, size] of [
      [s.id, small.length],
      [b.id, big.length],
    ] as const) {
      const read = blobs.read(id, 0, size); // a promise either way: the caller's await sees the error
      assert.ok(read instanceof Promise);
      await assert.rejects(read, (err: Error & { code?: string }) => err.code === 'NONEXISTENT');
    }
  }),
);

test(
  'write (with fsync): small blobs (synchronous calls) and big ones (thread pool) are stored exactly, no temp file left; a failure rejects',
  withBlobs(true, async (blobs, root) => {
    const small = Buffer.from('Subject: small\r\n\r\nbody\r\n');
    const big = Buffer.alloc(100 * 1024, 'y');
    for (const bytes of [small, big]) {
      const { id, created } = await blobs.write(bytes);
      assert.equal(created, true);
      assert.deepEqual(readdirSync(join(root, id.slice(0, 2))), [id]);
      assert.deepEqual(await blobs.read(id), bytes);
    }
    // A file where the blob's directory should be: the write must reject, not throw synchronously.
    for (const bytes of [Buffer.from('blocked small'), Buffer.alloc(100 * 1024, 'z')]) {
      const id = sha256Hex(bytes);
      rmSync(join(root, id.slice(0, 2)), { recursive: true, force: true });
      writeFileSync(join(root, id.slice(0, 2)), 'not a directory');
      const fresh = new FileBlobStore(root, { fsync: true }); // no cached knowledge of that directory
      const write = fresh.write(bytes);
      assert.ok(write instanceof Promise);
      await assert.rejects(write, (err: NodeJS.ErrnoException) => err.code === 'ENOTDIR');
    }
  }),
);
