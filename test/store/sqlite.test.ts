// The SQLite store: the conformance suite, plus what only this implementation has (files, reopen).
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { openSqliteStore, type SqliteStore } from '../../src/store/sqlite/index.js';
import type { MessageAnalyzer } from '../../src/store/types.js';
import { storeConformanceSuite } from './conformance.js';
import { fakeAnalyze, makeMessage } from './fake-analyzer.js';

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'postkeep-store-'));
}

async function openIn(dataDir: string, fsync = false, analyze: MessageAnalyzer = fakeAnalyze): Promise<SqliteStore> {
  return openSqliteStore({ dataDir, analyze, fsync });
}

storeConformanceSuite('sqlite', async () => {
  const dir = tempDir();
  const store = await openIn(dir);
  return { store, cleanup: async () => rmSync(dir, { recursive: true, force: true }) };
});

describe('sqlite store', () => {
  test('reopen after close keeps UIDs, UIDVALIDITY, MODSEQ, flags, and never reuses a UIDVALIDITY', async () => {
    const dir = tempDir();
    try {
      let store = await openIn(dir);
      const account = await store.createAccount('alice', 'h');
      const box = await store.getMailbox(account.id, 'INBOX');
      assert.ok(box);
      for (let i = 0; i < 3; i++) await store.appendMessage(box.id, { bytes: makeMessage(), flags: ['\\Seen', 'K'] });
      await store.storeFlags(box.id, [3], 'add', ['\\Deleted']);
      await store.expunge(box.id);
      await store.setSubscribed(account.id, 'Elsewhere', true);
      const gone = await store.createMailbox(account.id, 'Gone');
      await store.deleteMailbox(account.id, 'Gone');
      const before = await store.getMailboxById(box.id);
      const messages = await store.listMessages(box.id);
      await store.close();
      await store.close(); // twice is fine

      store = await openIn(dir);
      assert.deepEqual(await store.getMailboxById(box.id), before);
      assert.deepEqual(await store.listMessages(box.id), messages);
      assert.deepEqual((await store.changesSince(box.id, 0)).expunged, [3]);
      assert.ok((await store.listSubscriptions(account.id)).includes('Elsewhere'));
      assert.deepEqual((await store.appendMessage(box.id, { bytes: makeMessage(), flags: [] })).uid, 4);
      const again = await store.createMailbox(account.id, 'Gone');
      assert.ok(again.uidValidity > gone.uidValidity);
      await store.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('blob files: byte-exact, shared by copies and identical appends, removed after the last reference', async () => {
    const dir = tempDir();
    try {
      const store = await openIn(dir, true); // the fsync path, for real
      const account = await store.createAccount('bob', 'h');
      const box = await store.getMailbox(account.id, 'INBOX');
      const trash = await store.getMailbox(account.id, 'Trash');
      assert.ok(box && trash);
      const bytes = makeMessage({ body: 'exact \u00e9 bytes\r\n' });
      await store.appendMessage(box.id, { bytes, flags: [] });
      const [meta] = await store.listMessages(box.id);
      assert.ok(meta);
      const file = store.blobs.pathFor(meta.blobId);
      assert.equal(file, join(dir, 'blobs', meta.blobId.slice(0, 2), meta.blobId.slice(2, 4), meta.blobId));
      assert.deepEqual(readFileSync(file), bytes);
      await store.copyMessages(box.id, [1], trash.id);
      await store.appendMessage(box.id, { bytes, flags: [] }); // same bytes again: same blob
      assert.equal((await store.blobs.listFiles()).blobs.length, 1, 'no second file');
      await store.storeFlags(box.id, [1, 2], 'add', ['\\Deleted']);
      await store.expunge(box.id);
      assert.ok(existsSync(file), 'the copy still refers to it');
      await store.storeFlags(trash.id, [1], 'add', ['\\Deleted']);
      await store.expunge(trash.id);
      assert.ok(!existsSync(file), 'removed with the last reference');
      // Appending the same bytes after removal writes the file again.
      await store.appendMessage(box.id, { bytes, flags: [] });
      assert.deepEqual(readFileSync(file), bytes);
      await store.deleteAccount('bob');
      assert.ok(!existsSync(file), 'account deletion drops its blobs');
      await store.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('collectOrphans removes files without a reference and keeps referenced ones', async () => {
    const dir = tempDir();
    try {
      const store = await openIn(dir);
      const account = await store.createAccount('carol', 'h');
      const box = await store.getMailbox(account.id, 'INBOX');
      assert.ok(box);
      await store.appendMessage(box.id, { bytes: makeMessage(), flags: [] });
      // An orphan as a crash between a blob write and its commit would leave it.
      const orphan = await store.blobs.write(Buffer.from('orphan message\r\n'));
      assert.deepEqual(await store.collectOrphans(60_000), [], 'young files are left alone');
      assert.deepEqual(await store.collectOrphans(0), [orphan.id]);
      assert.ok(!store.blobs.exists(orphan.id));
      const [meta] = await store.listMessages(box.id);
      assert.ok(meta && store.blobs.exists(meta.blobId));
      await store.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
