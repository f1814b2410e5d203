// The one-pass header scan of the SQLite store (message-search.ts, src/search/header-scan.ts) gives
// exactly the SEARCH results of the per-message paths (header text in batches; summaries alone),
// over the MIME corpus and generated headers (encoded words, non-ASCII, case folding), combined with
// other keys and with a view that is not the whole mailbox; and its triggers keep the per-message
// copy equal to blobs.search_headers through copy, move, expunge, rename and delete.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import Database from 'better-sqlite3';
import fc from 'fast-check';
import { analyzeMessage } from '../../src/mime/analyze.js';
import { openSqliteStore, type SqliteStore } from '../../src/store/sqlite/index.js';
import { DATABASE_FILE } from '../../src/store/sqlite/sqlite-store.js';
import { assertSameResults, contexts, corpus, keyArbitrary, needlePool, scans, seedCorpusTwice } from './search-scan-helpers.js';

async function withStore(fn: (store: SqliteStore, dir: string) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'postkeep-msearch-'));
  const store = await openSqliteStore({ dataDir: dir, analyze: analyzeMessage, fsync: false });
  try {
    await fn(store, dir);
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}


describe('sqlite header scan', () => {
  test('gives the per-message results for every header key over the MIME corpus', async () => {
    await withStore(async (store) => {
      const account = await store.createAccount('scan', 'h');
      const box = await store.getMailbox(account.id, 'INBOX');
      assert.ok(box);
      const { mails, metas, uids } = await seedCorpusTwice(store, box.id);
      const { fields, needles, dates } = await needlePool(store, box.id, uids);
      const view = metas.map((meta, i) => ({ msn: i + 1, meta, recent: false }));
      const ctxs = contexts(store, box.id, view);
      assert.deepEqual(await assertSameResults(ctxs, { kind: 'header', field: 'from', value: 'USER7@example.COM' }), [mails.length - 2, 2 * mails.length - 2]);
      scans.count = 0;
      // Every string on the common fields and TEXT; every field with a few strings.
      for (const n of needles) for (const f of ['from', 'subject']) await assertSameResults(ctxs, { kind: 'header', field: f, value: n });
      assert.equal(scans.count, 2 * 2 * needles.length, "two fields, two contexts that scan");
      for (const n of needles) await assertSameResults(ctxs, { kind: 'text', value: n });
      for (const f of fields) for (const n of ['', 'e', 'example', ...needles.filter((_, i) => i % 97 === f.length % 97)]) await assertSameResults(ctxs, { kind: 'header', field: f, value: n });
      await fc.assert(fc.asyncProperty(keyArbitrary(fields, needles, uids, dates), async (key) => void (await assertSameResults(ctxs, key))), { numRuns: 300 });
    });
  });

  test('judges the same over a partial view, an expunged message still in view and NULL header text', async () => {
    await withStore(async (store, dir) => {
      const account = await store.createAccount('view', 'h');
      const box = await store.getMailbox(account.id, 'INBOX');
      assert.ok(box);
      for (const bytes of corpus()) await store.appendMessage(box.id, { bytes, flags: [] });
      const before = await store.listMessages(box.id);
      // Another session expunged UID 3; this view still shows it (RFC 9051 §7.5.1) and not UID 1.
      await store.expunge(box.id, [3]);
      const db = new Database(join(dir, DATABASE_FILE));
      db.exec(`UPDATE blobs SET search_headers = NULL WHERE id IN (SELECT blob_id FROM messages WHERE uid % 4 = 0)`);
      assert.equal(db.prepare('SELECT count(*) FROM message_search WHERE headers IS NULL').pluck().get(), db.prepare('SELECT count(*) FROM messages m JOIN blobs b ON b.id = m.blob_id WHERE b.search_headers IS NULL').pluck().get());
      db.close();
      const view = before.slice(1).map((meta, i) => ({ msn: i + 1, meta, recent: i % 2 === 0 }));
      const uids = view.map((m) => m.meta.uid);
      const { fields, needles, dates } = await needlePool(store, box.id, uids);
      const ctxs = contexts(store, box.id, view);
      assert.ok((await assertSameResults(ctxs, { kind: 'header', field: 'subject', value: '' })).length > 0);
      await fc.assert(fc.asyncProperty(keyArbitrary(fields, needles, uids, dates), async (key) => void (await assertSameResults(ctxs, key))), { numRuns: 200 });
    });
  });

  test('triggers keep one row per message equal to its content header text', async () => {
    await withStore(async (store, dir) => {
      const account = await store.createAccount('trig', 'h');
      const inbox = await store.getMailbox(account.id, 'INBOX');
      assert.ok(inbox);
      const other = await store.createMailbox(account.id, 'Other');
      for (const bytes of corpus().slice(0, 12)) await store.appendMessage(inbox.id, { bytes, flags: [] });
      await store.copyMessages(inbox.id, [1, 2, 3], other.id);
      await store.moveMessages(inbox.id, [4, 5], other.id);
      await store.expunge(inbox.id, [6]);
      await store.renameMailbox(account.id, 'INBOX', 'Old mail');
      const gone = await store.createMailbox(account.id, 'Gone');
      await store.copyMessages(other.id, [1], gone.id);
      await store.deleteMailbox(account.id, 'Gone');
      const db = new Database(join(dir, DATABASE_FILE), { readonly: true });
      const expected = db.prepare('SELECT m.mailbox_id, m.uid, b.search_headers FROM messages m JOIN blobs b ON b.id = m.blob_id ORDER BY 1, 2').raw(true).all();
      const actual = db.prepare('SELECT mailbox_id, uid, headers FROM message_search ORDER BY 1, 2').raw(true).all();
      db.close();
      assert.ok(expected.length > 10);
      assert.deepEqual(actual, expected);
    });
  });

  test('migration 10 fills the table for messages stored before it existed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'postkeep-msearch-'));
    try {
      let store = await openSqliteStore({ dataDir: dir, analyze: analyzeMessage, fsync: false });
      const account = await store.createAccount('old10', 'h');
      const box = await store.getMailbox(account.id, 'INBOX');
      assert.ok(box);
      for (const bytes of corpus().slice(0, 5)) await store.appendMessage(box.id, { bytes, flags: [] });
      await store.close();
      const db = new Database(join(dir, DATABASE_FILE));
      db.exec(`DROP TRIGGER message_search_added; DROP TRIGGER message_search_removed; DROP TRIGGER message_search_moved;
        DROP TRIGGER message_search_refolded; DROP TABLE message_search; PRAGMA user_version = 9;`);
      db.close();
      store = await openSqliteStore({ dataDir: dir, analyze: analyzeMessage, fsync: false });
      const found = await store.scanSearchHeaders(box.id, ['subject: '], 1, 5);
      assert.deepEqual([...found.keys()].sort((a, b) => a - b), [1, 2, 3, 4, 5]);
      await store.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a summary rewritten in place (check repair) drops the header text folded from the old one', async () => {
    await withStore(async (store, dir) => {
      const account = await store.createAccount('repair', 'h');
      const box = await store.getMailbox(account.id, 'INBOX');
      assert.ok(box);
      for (const bytes of corpus().slice(0, 3)) await store.appendMessage(box.id, { bytes, flags: [] });
      const db = new Database(join(dir, DATABASE_FILE));
      const summary = JSON.parse(db.prepare('SELECT b.summary FROM messages m JOIN blobs b ON b.id = m.blob_id WHERE m.uid = 2').pluck().get() as string);
      summary.headers = [['subject', 'Repaired Subject']];
      db.prepare('UPDATE blobs SET summary = ? WHERE id = (SELECT blob_id FROM messages WHERE uid = 2)').run(JSON.stringify(summary));
      assert.equal(db.prepare('SELECT headers FROM message_search WHERE uid = 2').pluck().get(), null);
      db.close();
      const view = (await store.listMessages(box.id)).map((meta, i) => ({ msn: i + 1, meta, recent: false }));
      assert.deepEqual(await assertSameResults(contexts(store, box.id, view), { kind: 'header', field: 'subject', value: 'REPAIRED' }), [2]);
    });
  });
});

