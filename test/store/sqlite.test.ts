// The SQLite store: the conformance suite, plus what only this implementation has (files, reopen).
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { analyzeMessage } from '../../src/mime/analyze.js';
import Database from 'better-sqlite3';
import { openSqliteStore, type SqliteStore } from '../../src/store/sqlite/index.js';
import { DATABASE_FILE } from '../../src/store/sqlite/sqlite-store.js';
import type { MessageAnalyzer } from '../../src/store/types.js';
import { storeConformanceSuite } from './conformance.js';
import { fakeAnalyze, makeMessage } from './fake-analyzer.js';

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'postkeep-store-'));
}

/** Every message in a file, for the tests of the file paths (small ones are in the database by default:
 *  sqlite-inline-blobs.test.ts). */
const FILES_ONLY = -1;

async function openIn(dataDir: string, fsync = false, analyze: MessageAnalyzer = fakeAnalyze, inlineBlobMaxBytes?: number): Promise<SqliteStore> {
  return openSqliteStore({ dataDir, analyze, fsync, ...(inlineBlobMaxBytes === undefined ? {} : { inlineBlobMaxBytes }) });
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
      const store = await openIn(dir, true, fakeAnalyze, FILES_ONLY); // the fsync path, for real
      const account = await store.createAccount('bob', 'h');
      const box = await store.getMailbox(account.id, 'INBOX');
      const trash = await store.getMailbox(account.id, 'Trash');
      assert.ok(box && trash);
      const bytes = makeMessage({ body: 'exact \u00e9 bytes\r\n' });
      await store.appendMessage(box.id, { bytes, flags: [] });
      const [meta] = await store.listMessages(box.id);
      assert.ok(meta);
      const file = store.blobs.pathFor(meta.blobId);
      assert.equal(file, join(dir, 'blobs', meta.blobId.slice(0, 2), meta.blobId));
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
      const store = await openIn(dir, false, fakeAnalyze, FILES_ONLY);
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

  test('with the real MIME analyzer: summary and body text survive the JSON round trip', async () => {
    const dir = tempDir();
    try {
      const store = await openIn(dir, false, analyzeMessage);
      const account = await store.createAccount('dave', 'h');
      const box = await store.getMailbox(account.id, 'INBOX');
      assert.ok(box);
      const bytes = Buffer.from(
        'From: Dave <dave@example.org>\r\nTo: eve@example.org\r\nSubject: =?UTF-8?Q?caf=C3=A9?=\r\n' +
          'Message-ID: <r1@example.org>\r\nDate: Mon, 2 Jan 2023 10:00:00 +0100\r\nMIME-Version: 1.0\r\n' +
          'Content-Type: multipart/alternative; boundary="b"\r\n\r\n' +
          '--b\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\nna=C3=AFve text\r\n' +
          '--b\r\nContent-Type: text/html\r\n\r\n<p>html</p>\r\n--b--\r\n',
      );
      await store.appendMessage(box.id, { bytes, flags: [] });
      const expected = analyzeMessage(bytes);
      const summary = (await store.getSummaries(box.id, [1])).get(1);
      assert.deepEqual(summary, JSON.parse(JSON.stringify(expected.summary)));
      assert.equal(summary?.envelope.messageId, '<r1@example.org>');
      assert.equal(summary?.root.children.length, 2);
      const [meta] = await store.listMessages(box.id);
      assert.ok(meta);
      assert.equal(await store.getBodyText(meta.blobId), expected.bodyText);
      assert.ok(expected.bodyText.includes('naïve'));
      await store.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('two stores on one data dir (as two processes): an append racing with the removal of the same bytes keeps its file', async () => {
    const dir = tempDir();
    try {
      const one = await openIn(dir, false, fakeAnalyze, FILES_ONLY);
      const two = await openIn(dir, false, fakeAnalyze, FILES_ONLY); // its own connection and its own in-flight bookkeeping
      const account = await one.createAccount('frank', 'h');
      const box = await one.getMailbox(account.id, 'INBOX');
      assert.ok(box);
      for (let round = 0; round < 20; round++) {
        const bytes = makeMessage();
        // two writes the file; meanwhile one adds, expunges and unlinks the same content.
        const appending = two.appendMessage(box.id, { bytes, flags: [] });
        await one.appendMessage(box.id, { bytes, flags: ['\\Deleted'] });
        await one.expunge(box.id);
        await appending;
        const live = await one.listMessages(box.id);
        assert.equal(live.length, 1);
        for (const m of live) assert.deepEqual(await two.readMessage(m.blobId), bytes);
        await one.storeFlags(box.id, live.map((m) => m.uid), 'add', ['\\Deleted']);
        await one.expunge(box.id);
      }
      assert.deepEqual((await one.blobs.listFiles()).blobs, [], 'nothing left behind');
      await one.close();
      await two.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('migration 4 fills the search header text of contents stored before it existed', async () => {
    const dir = tempDir();
    try {
      let store = await openIn(dir);
      const account = await store.createAccount('old4', 'h');
      const box = await store.getMailbox(account.id, 'INBOX');
      assert.ok(box);
      await store.appendMessage(box.id, { bytes: makeMessage({ subject: 'Hello WORLD' }), flags: [] });
      const before = (await store.getSearchHeaderText(box.id, [1])).get(1);
      assert.match(before ?? '', /^subject: hello world$/m);
      await store.close();
      const db = new Database(join(dir, DATABASE_FILE));
      db.exec('UPDATE blobs SET search_headers = NULL; PRAGMA user_version = 3;');
      db.close();
      store = await openIn(dir);
      const raw = new Database(join(dir, DATABASE_FILE), { readonly: true });
      assert.equal(raw.prepare('SELECT search_headers FROM blobs').pluck().get(), before);
      raw.close();
      await store.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('migration 7 stores the envelope apart; getEnvelopes matches the summary, also for rows without it', async () => {
    const dir = tempDir();
    try {
      let store = await openIn(dir);
      const account = await store.createAccount('old7', 'h');
      const box = await store.getMailbox(account.id, 'INBOX');
      assert.ok(box);
      await store.appendMessage(box.id, { bytes: makeMessage({ subject: 'First' }), flags: [] });
      await store.appendMessage(box.id, { bytes: makeMessage({ subject: 'Second' }), flags: [] });
      const summaries = await store.getSummaries(box.id, [1, 2]);
      const expected = new Map([...summaries].map(([uid, s]) => [uid, s.envelope]));
      assert.deepEqual(await store.getEnvelopes(box.id, [1, 2]), expected);
      await store.close();
      // Rows from before schema 7, and rows another insert path left without the column.
      const db = new Database(join(dir, DATABASE_FILE));
      db.exec('UPDATE blobs SET envelope = NULL');
      assert.equal(db.prepare('SELECT count(*) FROM blobs WHERE envelope IS NULL').pluck().get(), 2);
      store = await openIn(dir);
      assert.deepEqual(await store.getEnvelopes(box.id, [1, 2]), expected);
      await store.close();
      db.exec('PRAGMA user_version = 6');
      db.close();
      store = await openIn(dir);
      const raw = new Database(join(dir, DATABASE_FILE), { readonly: true });
      assert.equal(raw.prepare('SELECT count(*) FROM blobs WHERE envelope IS NULL').pluck().get(), 0);
      raw.close();
      assert.deepEqual(await store.getEnvelopes(box.id, [1, 2]), expected);
      await store.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('migrations backfill past a damaged summary, so that `postkeep check --repair` can still open the database', async () => {
    const dir = tempDir();
    try {
      let store = await openIn(dir);
      const account = await store.createAccount('damaged', 'h');
      const box = await store.getMailbox(account.id, 'INBOX');
      assert.ok(box);
      await store.appendMessage(box.id, { bytes: makeMessage({ subject: 'Intact' }), flags: [] });
      await store.appendMessage(box.id, { bytes: makeMessage({ subject: 'Damaged' }), flags: [] });
      const intact = (await store.getEnvelopes(box.id, [1])).get(1);
      await store.close();
      // A database from before schema 4 whose second content has a summary that is not JSON.
      const db = new Database(join(dir, DATABASE_FILE));
      const damagedId = db.prepare('SELECT blob_id FROM messages WHERE uid = 2').pluck().get() as string;
      db.prepare("UPDATE blobs SET summary = '{not json' WHERE id = ?").run(damagedId);
      db.exec('UPDATE blobs SET search_headers = NULL, envelope = NULL; PRAGMA user_version = 3;');
      db.close();
      store = await openIn(dir);
      assert.deepEqual((await store.getEnvelopes(box.id, [1])).get(1), intact);
      await store.close();
      const raw = new Database(join(dir, DATABASE_FILE), { readonly: true });
      const filled = raw.prepare('SELECT id, search_headers IS NOT NULL, envelope IS NOT NULL FROM blobs').raw(true).all() as Array<[string, number, number]>;
      raw.close();
      for (const [id, headers, envelope] of filled) {
        const expected = id === damagedId ? 0 : 1;
        assert.deepEqual([headers, envelope], [expected, expected], id === damagedId ? 'the damaged content is left for check' : 'the intact one is filled');
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('migration 2 fills the quota counters of a database written before quotas existed', async () => {
    const dir = tempDir();
    try {
      let store = await openIn(dir);
      const account = await store.createAccount('old', 'h');
      const box = await store.getMailbox(account.id, 'INBOX');
      assert.ok(box);
      const bytes = [makeMessage(), makeMessage()];
      for (const b of bytes) await store.appendMessage(box.id, { bytes: b, flags: [] });
      await store.close();
      // Take the database back to schema version 1.
      const db = new Database(join(dir, DATABASE_FILE));
      db.exec(`DROP TRIGGER quotas_new_account; DROP TRIGGER quotas_message_added; DROP TRIGGER quotas_message_removed;
               DROP TRIGGER quotas_message_moved; DROP TABLE quotas; PRAGMA user_version = 1;`);
      db.close();
      store = await openIn(dir);
      assert.deepEqual(await store.getQuota(account.id), {
        storageLimit: null,
        messageLimit: null,
        storageUsed: bytes[0]!.length + bytes[1]!.length,
        messagesUsed: 2,
      });
      await store.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

test('sqlite store: a refused append leaves no blob file behind', async () => {
  const dir = tempDir();
  try {
    const store = await openIn(dir, false, fakeAnalyze, FILES_ONLY);
    const account = await store.createAccount('gina', 'h');
    const box = await store.createMailbox(account.id, 'Doomed');
    const appending = store.appendMessage(box.id, { bytes: makeMessage(), flags: [] });
    await store.deleteMailbox(account.id, 'Doomed'); // while the append writes its file
    await assert.rejects(appending, { name: 'StoreError', code: 'NONEXISTENT' });
    assert.deepEqual((await store.blobs.listFiles()).blobs, []);
    await store.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
