// listMessages of the SQLite store reads a mailbox in pages of 20,000 rows, each page as one string
// (message-pages.ts): a mailbox just over two pages, with UIDs missing at the page boundaries, comes
// back whole, in order, each message once; every field comes back as the row-array reader
// (changesSince) reads it; a row the string cannot carry makes it fall back to row arrays.
import Database from 'better-sqlite3';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { DATABASE_FILE, openSqliteStore } from '../../src/store/sqlite/index.js';
import { metaFields } from './conformance-helpers.js';
import { fakeAnalyze, makeMessage } from './fake-analyzer.js';

test('listMessages: 40,010 messages, gaps at the page boundaries, every one once and in UID order', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'postkeep-pages-'));
  const store = await openSqliteStore({ dataDir, analyze: fakeAnalyze, fsync: false });
  try {
    const account = await store.createAccount('paula', 'h');
    const inbox = await store.getMailbox(account.id, 'INBOX');
    assert.ok(inbox);
    const bytes = makeMessage({ subject: 'same' });
    for (let done = 0; done < 40_010; done += 1000) {
      await store.appendMessages(inbox.id, Array.from({ length: 1000 }, () => ({ bytes, flags: ['\\Deleted'] })).slice(0, Math.min(1000, 40_010 - done)));
    }
    // Gone around the page boundaries (rows 20,000 and 40,000 before the expunge).
    const gone = [19_999, 20_000, 20_001, 40_001];
    await store.expunge(inbox.id, gone);
    const list = await store.listMessages(inbox.id);
    assert.equal(list.length, 40_010 - gone.length);
    let previous = 0;
    for (const meta of list) {
      assert.ok(meta.uid > previous, `UID ${meta.uid} after ${previous}`);
      previous = meta.uid;
    }
    const uids = new Set(list.map((m) => m.uid));
    for (const uid of gone) assert.equal(uids.has(uid), false);
    assert.equal(uids.has(20_002), true);
    assert.equal(uids.has(40_010), true);
  } finally {
    await store.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
});

async function withStore(fn: (store: Awaited<ReturnType<typeof openSqliteStore>>, dataDir: string) => Promise<void>): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'postkeep-pages-'));
  const store = await openSqliteStore({ dataDir, analyze: fakeAnalyze, fsync: false });
  try {
    await fn(store, dataDir);
  } finally {
    await store.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** Messages with every kind of field value the string has to carry. */
async function variedMailbox(store: Awaited<ReturnType<typeof openSqliteStore>>): Promise<number> {
  const account = await store.createAccount('vera', 'h');
  const inbox = await store.getMailbox(account.id, 'INBOX');
  assert.ok(inbox);
  const inputs = [
    { flags: [], internalDate: Date.UTC(2024, 0, 1) },
    { flags: ['\\Seen', '\\Flagged', '$Forwarded', 'Work'], internalDate: Date.UTC(1969, 6, 20, 20, 17) },
    { flags: ['$Junk'], internalDate: 0 },
    { flags: ['\\Deleted', '\\Draft', '\\Answered', 'a,b;c=d', 'x~y'], internalDate: Date.UTC(2100, 11, 31) },
  ];
  for (const [i, input] of inputs.entries()) {
    await store.appendMessage(inbox.id, { bytes: makeMessage({ subject: `m${i}` }), ...input });
  }
  return inbox.id;
}

test('listMessages: every field as the row-array reader reads it (keywords, dates before 1970)', async () => {
  await withStore(async (store) => {
    const mailboxId = await variedMailbox(store);
    const list = await store.listMessages(mailboxId);
    const rows = (await store.changesSince(mailboxId, 0)).changed;
    assert.equal(list.length, 4);
    assert.deepEqual(list.map(metaFields), rows.map(metaFields));
    assert.deepEqual(list[1]?.flags, ['\\Seen', '\\Flagged', '$Forwarded', 'Work']);
    assert.equal(list[1]?.internalDate, Date.UTC(1969, 6, 20, 20, 17));
    assert.equal(list[0]?.emailId.startsWith('M'), true);
  });
});

test('listMessages: a date or size SQLite holds as REAL (written around the store) reads as it does from row arrays', async () => {
  await withStore(async (store, dataDir) => {
    const mailboxId = await variedMailbox(store);
    const other = new Database(join(dataDir, DATABASE_FILE));
    try {
      other.prepare('UPDATE messages SET internal_date = 1.5 WHERE mailbox_id = ? AND uid = 3').run(mailboxId);
      other.prepare('UPDATE messages SET size = 2.25, save_date = -7.5 WHERE mailbox_id = ? AND uid = 4').run(mailboxId);
    } finally {
      other.close();
    }
    const list = await store.listMessages(mailboxId);
    assert.equal(list.length, 4);
    assert.equal(list[2]?.internalDate, 1.5);
    assert.equal(list[3]?.size, 2.25);
    assert.equal(list[3]?.saveDate, -7.5);
    assert.deepEqual(list.map(metaFields), (await store.changesSince(mailboxId, 0)).changed.map(metaFields));
  });
});

test('listMessages: a row whose fields do not split as the page expects (a space in a blob id, a REAL MODSEQ) falls back to row arrays', async () => {
  for (const update of ["UPDATE messages SET blob_id = blob_id || ' x' WHERE mailbox_id = ? AND uid = 2", 'UPDATE messages SET modseq = modseq + 0.5 WHERE mailbox_id = ? AND uid = 1']) {
    await withStore(async (store, dataDir) => {
      const mailboxId = await variedMailbox(store);
      const other = new Database(join(dataDir, DATABASE_FILE));
      try {
        other.pragma('foreign_keys = OFF');
        other.prepare(update).run(mailboxId);
      } finally {
        other.close();
      }
      const list = await store.listMessages(mailboxId);
      const rows = (await store.changesSince(mailboxId, 0)).changed;
      assert.equal(list.length, 4, update);
      assert.deepEqual(list.map(metaFields), rows.map(metaFields), update);
      assert.equal(list[1]?.blobId, rows[1]?.blobId);
    });
  }
});
