// STATUS counts of the SQLite store (migration 15: mailbox_counts, kept by triggers): filled in for a
// database from before, and checked and repaired by `postkeep check`. That they follow every change
// is in the store conformance tests (conformance-mailboxes.ts), for both stores.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { analyzeMessage } from '../../src/mime/analyze.js';
import { checkSqliteStore } from '../../src/store/sqlite/check.js';
import { openSqliteStore } from '../../src/store/sqlite/index.js';
import { DATABASE_FILE } from '../../src/store/sqlite/sqlite-store.js';

const message = (i: number): Buffer => Buffer.from(`From: a@example.org\r\nSubject: ${i}\r\n\r\nbody ${'y'.repeat(i * 10)}\r\n`);

async function seeded(dataDir: string): Promise<{ inbox: number; other: number }> {
  const store = await openSqliteStore({ dataDir, analyze: analyzeMessage, fsync: false });
  try {
    const account = await store.createAccount('kim', 'h');
    const inbox = (await store.getMailbox(account.id, 'INBOX'))?.id;
    const other = (await store.createMailbox(account.id, 'Other')).id;
    assert.ok(inbox !== undefined);
    for (let i = 0; i < 10; i++) await store.appendMessage(inbox, { bytes: message(i), flags: i % 3 === 0 ? ['\\Seen'] : i % 4 === 0 ? ['\\Deleted'] : [] });
    await store.copyMessages(inbox, [1, 2, 3], other);
    return { inbox, other };
  } finally {
    await store.close();
  }
}

function rows(dataDir: string): Array<{ mailbox_id: number; messages: number; unseen: number; deleted: number; size: number }> {
  const db = new Database(join(dataDir, DATABASE_FILE), { readonly: true });
  try {
    return db.prepare('SELECT * FROM mailbox_counts ORDER BY mailbox_id').all() as ReturnType<typeof rows>;
  } finally {
    db.close();
  }
}

function withDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'postkeep-counts-'));
  return fn(dir).finally(() => rmSync(dir, { recursive: true, force: true }));
}

test('a database from before migration 15 gets its STATUS counts from its messages', () =>
  withDir(async (dir) => {
    const { inbox, other } = await seeded(dir);
    const before = rows(dir);
    const db = new Database(join(dir, DATABASE_FILE));
    db.exec(`DROP TRIGGER mailbox_counts_mailbox_added; DROP TRIGGER mailbox_counts_mailbox_removed;
             DROP TRIGGER mailbox_counts_message_added; DROP TRIGGER mailbox_counts_message_removed;
             DROP TRIGGER mailbox_counts_message_changed; DROP TABLE mailbox_counts; PRAGMA user_version = 14;`);
    db.close();
    const store = await openSqliteStore({ dataDir: dir, analyze: analyzeMessage, fsync: false });
    try {
      const status = await store.mailboxStatus(inbox);
      assert.deepEqual([status.messages, status.unseen, status.deleted], [10, 6, 2]);
      assert.equal((await store.mailboxStatus(other)).messages, 3);
    } finally {
      await store.close();
    }
    assert.deepEqual(rows(dir), before, 'the same rows as the triggers kept');
  }));

test('postkeep check finds STATUS counts that disagree with the messages, and --repair recounts them', () =>
  withDir(async (dir) => {
    const { inbox, other } = await seeded(dir);
    const db = new Database(join(dir, DATABASE_FILE));
    db.prepare('UPDATE mailbox_counts SET unseen = unseen + 5 WHERE mailbox_id = ?').run(inbox);
    db.prepare('DELETE FROM mailbox_counts WHERE mailbox_id = ?').run(other);
    db.close();
    const found = await checkSqliteStore(dir, { analyze: analyzeMessage });
    const problems = found.problems.filter((p) => p.kind === 'mailbox-counts');
    assert.equal(problems.length, 2, JSON.stringify(found.problems));
    assert.match(problems.map((p) => p.detail).join('\n'), /kim\/INBOX: STATUS counts say 10 message\(s\), 11 unseen, 2 deleted, \d+ bytes, the mailbox holds 10 message\(s\), 6 unseen/);
    assert.match(problems.map((p) => p.detail).join('\n'), /kim\/Other: no STATUS counts, the mailbox holds 3 message\(s\)/);
    const repaired = await checkSqliteStore(dir, { analyze: analyzeMessage, repair: true });
    assert.ok(repaired.problems.filter((p) => p.kind === 'mailbox-counts').every((p) => p.repaired));
    assert.deepEqual((await checkSqliteStore(dir, { analyze: analyzeMessage })).problems, [], 'clean after the repair');
  }));
