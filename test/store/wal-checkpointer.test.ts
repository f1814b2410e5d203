// WAL checkpoints in a worker thread (src/store/sqlite/wal-checkpointer.ts): they copy the writer's
// commits into the database file, one at a time, stop at close, and a worker that cannot start
// leaves the writer's own checkpoints in charge.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { analyzeMessage } from '../../src/mime/analyze.js';
import { openSqliteStore } from '../../src/store/sqlite/index.js';
import { DATABASE_FILE } from '../../src/store/sqlite/sqlite-store.js';
import { WalCheckpointer } from '../../src/store/sqlite/wal-checkpointer.js';

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'postkeep-ckpt-'));
}

/** Frames in the WAL and how many of them are in the database file, as a second connection sees it
 *  (a PASSIVE checkpoint that finds nothing left to copy returns at once). */
function walState(path: string): { log: number; checkpointed: number } {
  const db = new Database(path);
  try {
    db.pragma('wal_autocheckpoint = 0');
    return (db.pragma('wal_checkpoint(PASSIVE)') as Array<{ log: number; checkpointed: number }>)[0] as { log: number; checkpointed: number };
  } finally {
    db.close();
  }
}

/** A WAL database with one table, whose connection never checkpoints by itself: only the worker does. */
function walDatabase(path: string): { db: Database.Database; insert: Database.Statement } {
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('wal_autocheckpoint = 0');
  db.exec('CREATE TABLE t (v BLOB)');
  return { db, insert: db.prepare('INSERT INTO t (v) VALUES (?)') };
}

test('a background checkpoint copies every commit so far into the database file', async () => {
  const dir = tempDir();
  const path = join(dir, 'db.sqlite');
  const { db, insert } = walDatabase(path);
  const checkpointer = new WalCheckpointer(path, 3, 0);
  try {
    for (let i = 0; i < 2; i++) {
      insert.run(Buffer.alloc(10_000, i));
      checkpointer.afterCommit();
    }
    await checkpointer.idle();
    assert.equal(checkpointer.completed, 0, 'fewer commits than asked for: none yet');

    insert.run(Buffer.alloc(10_000, 2));
    checkpointer.afterCommit();
    await checkpointer.idle();
    assert.equal(checkpointer.completed, 1);
    assert.equal(checkpointer.lastReport?.ok, true);
    const report = checkpointer.lastReport;
    assert.ok((report?.log ?? 0) > 0 && report?.checkpointed === report?.log, `all frames copied: ${JSON.stringify(report)}`);
  } finally {
    await checkpointer.close();
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a checkpoint is not started while one runs, and close() waits for it', async () => {
  const dir = tempDir();
  const path = join(dir, 'db.sqlite');
  const { db, insert } = walDatabase(path);
  const checkpointer = new WalCheckpointer(path, 1, 0);
  try {
    insert.run(Buffer.alloc(50_000, 1));
    checkpointer.afterCommit(); // starts one
    insert.run(Buffer.alloc(50_000, 2));
    checkpointer.afterCommit(); // one is running: skipped, not queued
    await checkpointer.idle();
    assert.equal(checkpointer.completed, 1);
    insert.run(Buffer.alloc(50_000, 3));
    checkpointer.afterCommit();
    await checkpointer.close(); // lets that one finish
    assert.equal(checkpointer.completed, 2);
    const state = walState(path);
    assert.equal(state.checkpointed, state.log, 'the last commit is in the database file');
    checkpointer.afterCommit(); // after close: nothing starts
    await checkpointer.idle();
    assert.equal(checkpointer.completed, 2);
  } finally {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a worker that cannot open the database stops background checkpoints and nothing else', async () => {
  const dir = tempDir();
  const checkpointer = new WalCheckpointer(join(dir, 'missing', 'db.sqlite'), 1, 0);
  try {
    checkpointer.afterCommit();
    await checkpointer.idle();
    assert.equal(checkpointer.lastReport?.ok, false);
    assert.match(checkpointer.lastReport?.error ?? '', /unable to open|does not exist|directory/i);
    checkpointer.afterCommit(); // no second worker
    await checkpointer.idle();
    assert.equal(checkpointer.completed, 0);
  } finally {
    await checkpointer.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the store checkpoints in the background while appending, and its data survives close and reopen', async () => {
  const dataDir = tempDir();
  try {
    const store = await openSqliteStore({ dataDir, analyze: analyzeMessage, fsync: true });
    let inboxId: number;
    try {
      const checkpointer = store.walCheckpointer;
      assert.ok(checkpointer, 'a store with fsync has one');
      const account = await store.createAccount('cleo', 'h');
      const inbox = await store.getMailbox(account.id, 'INBOX');
      assert.ok(inbox);
      inboxId = inbox.id;
      for (let i = 0; i < 20; i++) {
        await store.appendMessage(inbox.id, { bytes: Buffer.from(`Subject: m${i}\r\n\r\nbody ${i}\r\n`), flags: [] });
      }
      await checkpointer.idle();
      assert.ok(checkpointer.completed >= 1, `at least one background checkpoint (${checkpointer.completed})`);
      assert.equal(checkpointer.lastReport?.ok, true);
    } finally {
      await store.close();
    }
    const again = await openSqliteStore({ dataDir, analyze: analyzeMessage, fsync: true });
    try {
      assert.equal((await again.listMessages(inboxId)).length, 20);
      assert.equal(again.recoveredFromUncleanShutdown, false);
    } finally {
      await again.close();
    }
    // A store without fsync (tests) runs none.
    const relaxed = await openSqliteStore({ dataDir, analyze: analyzeMessage, fsync: false });
    try {
      assert.equal(relaxed.walCheckpointer, null);
    } finally {
      await relaxed.close();
    }
    assert.ok(walState(join(dataDir, DATABASE_FILE)).log >= 0);
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});
