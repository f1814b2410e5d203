// The SQLite store's ENVELOPE text (src/store/sqlite/envelope-text.ts, schema 9): stored at delivery
// when session-independent, backfilled by the migration, dropped with its content and when a summary
// is repaired; getEnvelopeTexts answers the Envelope itself where no text is stored.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { analyzeMessage } from '../../src/mime/analyze.js';
import { openSqliteStore, type SqliteStore } from '../../src/store/sqlite/index.js';
import { DATABASE_FILE } from '../../src/store/sqlite/sqlite-store.js';
import { ASCII, assertTextAndEnvelope, seedEnvelopeMailbox } from './envelope-text-fixtures.js';


async function withStore(fn: (store: SqliteStore, dir: string, boxId: number) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'postkeep-envtext-'));
  const store = await openSqliteStore({ dataDir: dir, analyze: analyzeMessage, fsync: false });
  try {
    await fn(store, dir, await seedEnvelopeMailbox(store));
  } finally {
    await store.close().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  }
}

test('ASCII envelopes come back as IMAP text, 8-bit ones as the Envelope (both append paths)', async () => {
  await withStore(async (store, _dir, boxId) => {
    const { texts } = await assertTextAndEnvelope(store, boxId);
    // A sparse set (json_each, not a range) answers the same.
    await store.appendMessage(boxId, { bytes: ASCII, flags: [] });
    await store.appendMessage(boxId, { bytes: ASCII, flags: [] }); // same content: one blob
    const sparse = await store.getEnvelopeTexts(boxId, [1, 40, 90]);
    assert.deepEqual([...sparse.keys()], [1]);
    assert.equal((await store.getEnvelopeTexts(boxId, [4])).get(4), texts.get(1));
  });
});

test('migration 9 backfills the text; the row goes with its content and when its summary is repaired', async () => {
  await withStore(async (store, dir, boxId) => {
    const expected = await store.getEnvelopeTexts(boxId, [1, 2]);
    await store.close();
    let db = new Database(join(dir, DATABASE_FILE));
    db.exec('DELETE FROM blob_envelopes; UPDATE blobs SET envelope = NULL');
    db.exec('PRAGMA user_version = 8');
    db.close();
    store = await openSqliteStore({ dataDir: dir, analyze: analyzeMessage, fsync: false });
    db = new Database(join(dir, DATABASE_FILE));
    assert.equal(db.prepare('SELECT count(*) FROM blob_envelopes').pluck().get(), 1);
    assert.deepEqual(await store.getEnvelopeTexts(boxId, [1, 2]), expected);
    // A repaired summary (postkeep check): the stored text and JSON copy give way to the new summary.
    const summary = JSON.parse(db.prepare('SELECT summary FROM blobs WHERE id IN (SELECT blob_id FROM blob_envelopes)').pluck().get() as string);
    summary.envelope.subject = 'Repaired';
    db.prepare('UPDATE blobs SET summary = ? WHERE id IN (SELECT blob_id FROM blob_envelopes)').run(JSON.stringify(summary));
    assert.equal(db.prepare('SELECT count(*) FROM blob_envelopes').pluck().get(), 0);
    assert.equal(((await store.getEnvelopeTexts(boxId, [1])).get(1) as { subject: string }).subject, 'Repaired');
    db.close();
    // The last reference gone: the text goes with the blobs row (a trigger).
    await store.appendMessage(boxId, { bytes: Buffer.concat([ASCII, Buffer.from('x\r\n')]), flags: ['\\Deleted'] });
    await store.expunge(boxId);
    db = new Database(join(dir, DATABASE_FILE), { readonly: true });
    assert.equal(db.prepare('SELECT count(*) FROM blob_envelopes WHERE blob_id NOT IN (SELECT id FROM blobs)').pluck().get(), 0);
    assert.equal(db.prepare('SELECT count(*) FROM blob_envelopes').pluck().get(), 0);
    db.close();
    await store.close();
  });
});

test('migration 11 and its triggers keep the text per message: copy, move, expunge, rename of INBOX', async () => {
  await withStore(async (store, dir, boxId) => {
    const account = await store.findAccount('env');
    assert.ok(account);
    const text = (await store.getEnvelopeTexts(boxId, [1])).get(1);
    assert.equal(typeof text, 'string');
    const rows = (): Array<[number, number]> => {
      const db = new Database(join(dir, DATABASE_FILE), { readonly: true });
      try {
        return db.prepare('SELECT mailbox_id, uid FROM message_envelopes ORDER BY mailbox_id, uid').raw(true).all() as Array<[number, number]>;
      } finally {
        db.close();
      }
    };
    assert.deepEqual(rows(), [[boxId, 1]], 'the 8-bit message has none');
    await store.createMailbox(account.id, 'Other');
    const other = await store.getMailbox(account.id, 'Other');
    assert.ok(other);
    await store.copyMessages(boxId, [1, 2], other.id);
    assert.equal((await store.getEnvelopeTexts(other.id, [1])).get(1), text);
    await store.moveMessages(other.id, [1], boxId);
    assert.deepEqual(rows(), [[boxId, 1], [boxId, 3]]);
    assert.equal((await store.getEnvelopeTexts(boxId, [3])).get(3), text);
    await store.renameMailbox(account.id, 'INBOX', 'Old inbox');
    const moved = await store.getMailbox(account.id, 'Old inbox');
    assert.ok(moved);
    assert.deepEqual(rows(), [[moved.id, 1], [moved.id, 3]]);
    // Backfill: rows from before schema 11.
    await store.close();
    const db = new Database(join(dir, DATABASE_FILE));
    db.exec('DROP TABLE message_envelopes; PRAGMA user_version = 10');
    db.close();
    const reopened = await openSqliteStore({ dataDir: dir, analyze: analyzeMessage, fsync: false });
    try {
      assert.deepEqual(rows(), [[moved.id, 1], [moved.id, 3]]);
      await reopened.storeFlags(moved.id, [1, 3], 'add', ['\\Deleted']);
      await reopened.expunge(moved.id);
      assert.deepEqual(rows(), []);
    } finally {
      await reopened.close();
    }
  });
});
