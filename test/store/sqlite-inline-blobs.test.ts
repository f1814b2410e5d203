// Small messages keep their bytes in the blobs row (src/store/sqlite/inline-blobs.ts), bigger ones a
// file: where each goes, byte-exact reads and streams, shared rows, expunge, `postkeep check`, and
// rows from before (bytes in files) next to inline ones.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Readable } from 'node:stream';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { analyzeMessage } from '../../src/mime/analyze.js';
import { sha256Hex } from '../../src/store/blobs/file-blobs.js';
import { checkSqliteStore } from '../../src/store/sqlite/check.js';
import { openSqliteStore, type SqliteStore } from '../../src/store/sqlite/index.js';
import { INLINE_BLOB_MAX_BYTES } from '../../src/store/sqlite/inline-blobs.js';
import { DATABASE_FILE } from '../../src/store/sqlite/sqlite-store.js';

const LIMIT = INLINE_BLOB_MAX_BYTES;

let counter = 0;
/** A distinct message of exactly `size` bytes. */
function sized(size: number): Buffer {
  const head = `From: a@example.org\r\nSubject: sized ${size} #${++counter}\r\n\r\n`;
  assert.ok(size >= head.length + 2);
  return Buffer.from(head + 'a'.repeat(size - head.length - 2) + '\r\n');
}

/** The row of a content as a second connection sees it: null bytes = in the file; undefined = no row. */
function blobRow(dataDir: string, id: string): { refcount: number; bytes: Buffer | null } | undefined {
  const db = new Database(join(dataDir, DATABASE_FILE), { readonly: true });
  try {
    return db.prepare('SELECT refcount, bytes FROM blobs WHERE id = ?').get(id) as { refcount: number; bytes: Buffer | null } | undefined;
  } finally {
    db.close();
  }
}

async function collect(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

async function withStore(fn: (store: SqliteStore, dataDir: string, inbox: number, trash: number) => Promise<void>, fsync = false): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'postkeep-inline-'));
  try {
    const store = await openSqliteStore({ dataDir, analyze: analyzeMessage, fsync });
    try {
      const account = await store.createAccount('ida', 'h');
      const inbox = await store.getMailbox(account.id, 'INBOX');
      const trash = await store.getMailbox(account.id, 'Trash');
      assert.ok(inbox && trash);
      await fn(store, dataDir, inbox.id, trash.id);
    } finally {
      await store.close();
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

test('up to the limit in the row, no file; one byte more in a file, no bytes in the row', async () => {
  await withStore(async (store, dataDir, inbox) => {
    const small = sized(4096);
    const atLimit = sized(LIMIT);
    const over = sized(LIMIT + 1);
    await store.appendMessage(inbox, { bytes: small, flags: [] });
    await store.appendMessages(inbox, [{ bytes: atLimit, flags: [] }, { bytes: over, flags: [] }]); // MULTIAPPEND too
    for (const bytes of [small, atLimit]) {
      const id = sha256Hex(bytes);
      assert.equal(store.blobs.exists(id), false, 'no file');
      assert.deepEqual(blobRow(dataDir, id)?.bytes, bytes);
      assert.deepEqual(await store.readMessage(id), bytes);
    }
    const overId = sha256Hex(over);
    assert.equal(store.blobs.exists(overId), true);
    assert.equal(blobRow(dataDir, overId)?.bytes, null);
    assert.deepEqual(await store.readMessage(overId), over);
    assert.deepEqual((await store.blobs.listFiles()).blobs.map((b) => b.id), [overId]);
  }, true); // the fsync path, for real
});

test('ranges and streams of an inline message are byte-identical to slices (BODY[]<partial>)', async () => {
  await withStore(async (store, _dataDir, inbox) => {
    const bytes = Buffer.from(`From: a@example.org\r\nSubject: ranges\r\n\r\n${'0123456789\u00e9'.repeat(300)}\r\n`);
    await store.appendMessage(inbox, { bytes, flags: [] });
    const id = sha256Hex(bytes);
    const n = bytes.length;
    const ranges: Array<[number | undefined, number | undefined]> = [
      [undefined, undefined], [0, n], [0, 1], [5, 17], [n - 3, n], [n - 3, n + 100], [10, 10], [n, n + 5], [n + 10, n + 20], [7, undefined],
    ];
    for (const [start, end] of ranges) {
      const expected = bytes.subarray(start ?? 0, end === undefined ? n : Math.min(end, n));
      assert.deepEqual(await store.readMessage(id, start, end), expected, `read [${start}, ${end})`);
      assert.deepEqual(await collect(store.streamMessage(id, start, end)), expected, `stream [${start}, ${end})`);
    }
    // Gone (never there): the same NONEXISTENT as for a missing file.
    const unknown = sha256Hex(Buffer.from('never appended'));
    await assert.rejects(store.readMessage(unknown), { name: 'StoreError', code: 'NONEXISTENT' });
    await assert.rejects(collect(store.streamMessage(unknown)), { name: 'StoreError', code: 'NONEXISTENT' });
    // A long body text (not stored in the row's body_text) is extracted from the inline bytes.
    const long = sized(50_000);
    await store.appendMessage(inbox, { bytes: long, flags: [] });
    assert.equal(await store.getBodyText(sha256Hex(long)), analyzeMessage(long).bodyText);
  });
});

test('COPY and identical appends share the inline row; expunging the last reference removes it', async () => {
  await withStore(async (store, dataDir, inbox, trash) => {
    const bytes = sized(2000);
    const id = sha256Hex(bytes);
    await store.appendMessage(inbox, { bytes, flags: [] });
    await store.copyMessages(inbox, [1], trash);
    await store.appendMessage(inbox, { bytes, flags: [] });
    assert.equal(blobRow(dataDir, id)?.refcount, 3);
    await store.storeFlags(inbox, [1, 2], 'add', ['\\Deleted']);
    await store.expunge(inbox);
    assert.equal(blobRow(dataDir, id)?.refcount, 1);
    assert.deepEqual(await store.readMessage(id), bytes, 'the copy still reads');
    await store.storeFlags(trash, [1], 'add', ['\\Deleted']);
    await store.expunge(trash);
    assert.equal(blobRow(dataDir, id), undefined, 'the row went with the last reference');
    await assert.rejects(store.readMessage(id), { name: 'StoreError', code: 'NONEXISTENT' });
    assert.deepEqual((await store.blobs.listFiles()).blobs, []);
  });
});

test('rows from before (bytes in files) and inline rows side by side; postkeep check is clean, --repair keeps inline bytes', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'postkeep-inline-'));
  try {
    const old = sized(3000);
    const fresh = sized(3001);
    const big = sized(LIMIT + 5000);
    // A store written before inline blobs: every message in a file.
    let store = await openSqliteStore({ dataDir, analyze: analyzeMessage, fsync: false, inlineBlobMaxBytes: -1 });
    const account = await store.createAccount('jo', 'h');
    const inbox = await store.getMailbox(account.id, 'INBOX');
    const trash = await store.getMailbox(account.id, 'Trash');
    assert.ok(inbox && trash);
    await store.appendMessage(inbox.id, { bytes: old, flags: [] });
    await store.close();
    store = await openSqliteStore({ dataDir, analyze: analyzeMessage, fsync: false });
    await store.appendMessage(inbox.id, { bytes: fresh, flags: [] });
    await store.appendMessage(inbox.id, { bytes: big, flags: [] });
    await store.appendMessage(inbox.id, { bytes: old, flags: [] }); // known content: keeps its file
    await store.copyMessages(inbox.id, [2], trash.id);
    assert.equal(blobRow(dataDir, sha256Hex(old))?.bytes, null);
    assert.deepEqual(await store.readMessage(sha256Hex(old), 5, 50), old.subarray(5, 50));
    await store.close();

    const check = (repair: boolean) => checkSqliteStore(dataDir, { analyze: analyzeMessage, repair });
    const clean = await check(false);
    assert.deepEqual(clean.problems, []);
    assert.equal(clean.counts.files, 2);

    // Damage an inline row's summary and refcount, and leave a stray file of its content (as from when
    // it was stored as a file): found, repaired from the row's own bytes, which stay.
    const freshId = sha256Hex(fresh);
    const db = new Database(join(dataDir, DATABASE_FILE));
    db.prepare("UPDATE blobs SET summary = '{broken', refcount = 9 WHERE id = ?").run(freshId);
    db.close();
    const stray = join(dataDir, 'blobs', freshId.slice(0, 2), freshId);
    mkdirSync(dirname(stray), { recursive: true });
    writeFileSync(stray, fresh);
    assert.deepEqual((await check(false)).problems.map((p) => p.kind).sort(), ['orphan-file', 'refcount', 'summary']);
    const repaired = await check(true);
    assert.ok(repaired.problems.every((p) => p.repaired), JSON.stringify(repaired.problems));
    assert.deepEqual((await check(false)).problems, []);
    assert.deepEqual(blobRow(dataDir, freshId), { refcount: 2, bytes: fresh });

    store = await openSqliteStore({ dataDir, analyze: analyzeMessage, fsync: false });
    try {
      assert.deepEqual(await store.readMessage(freshId), fresh);
      assert.equal((await store.getSummaries(inbox.id, [2])).get(2)?.envelope.subject, analyzeMessage(fresh).summary.envelope.subject);
      // Expunging everything leaves neither rows nor files.
      for (const box of [inbox.id, trash.id]) {
        const uids = (await store.listMessages(box)).map((m) => m.uid);
        await store.storeFlags(box, uids, 'add', ['\\Deleted']);
        await store.expunge(box);
      }
      assert.deepEqual((await store.blobs.listFiles()).blobs, []);
    } finally {
      await store.close();
    }
    const db2 = new Database(join(dataDir, DATABASE_FILE), { readonly: true });
    assert.equal(db2.prepare('SELECT COUNT(*) FROM blobs').pluck().get(), 0);
    db2.close();
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});
