// The SQLite store after an unclean shutdown (src/store/sqlite/shutdown-marker.ts): flag changes commit
// with synchronous=NORMAL, so a power cut may roll back their MODSEQs after clients saw them; the next
// open must move HIGHESTMODSEQ past every MODSEQ handed out, and touch nothing else.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { openSqliteStore, type SqliteStore } from '../../src/store/sqlite/index.js';
import { DATABASE_FILE } from '../../src/store/sqlite/sqlite-store.js';
import { MODSEQ_RECOVERY_MARGIN, UID_RECOVERY_MARGIN, bootId } from '../../src/store/sqlite/shutdown-marker.js';
import { fakeAnalyze, makeMessage } from './fake-analyzer.js';

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'postkeep-shutdown-'));
}

// fsync on: the marker is written only where flag changes are relaxed (synchronous FULL -> NORMAL).
function open(dataDir: string): Promise<SqliteStore> {
  return openSqliteStore({ dataDir, analyze: fakeAnalyze, fsync: true });
}

async function withMessages(store: SqliteStore, count: number): Promise<number> {
  const account = await store.createAccount('alice', 'h');
  const box = await store.getMailbox(account.id, 'INBOX');
  assert.ok(box);
  for (let i = 0; i < count; i++) await store.appendMessage(box.id, { bytes: makeMessage(), flags: [] });
  return box.id;
}

/** The files as a power cut would leave them: the WAL as far as it was written, no shared memory. */
function snapshot(from: string, to: string): void {
  cpSync(from, to, { recursive: true, filter: (src) => !src.endsWith('-shm') });
}

test('sqlite store: a clean close leaves HIGHESTMODSEQ alone; a second open handle is not a crash', async () => {
  const dir = tempDir();
  try {
    let store = await open(dir);
    const boxId = await withMessages(store, 2);
    await store.storeFlags(boxId, [1], 'add', ['\\Seen']);
    const other = await open(dir); // as `postkeep deliver` next to `serve`
    assert.equal(other.recoveredFromUncleanShutdown, false);
    await other.storeFlags(boxId, [2], 'add', ['\\Seen']);
    await other.close(); // must not clear the first handle's row
    const before = await store.getMailboxById(boxId);
    await store.close();
    store = await open(dir);
    assert.equal(store.recoveredFromUncleanShutdown, false);
    assert.deepEqual(await store.getMailboxById(boxId), before);
    await store.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('sqlite store: after a power cut that lost flag changes, the next MODSEQ is above every one handed out', async () => {
  const dir = tempDir();
  const crashed = tempDir();
  try {
    const store = await open(dir);
    const boxId = await withMessages(store, 3);
    await store.storeFlags(boxId, [1], 'add', ['\\Seen']); // records the handle (FULL), then commits relaxed
    const atCut = await store.getMailboxById(boxId);
    const messagesAtCut = await store.listMessages(boxId);
    assert.ok(atCut);
    snapshot(dir, crashed); // what reached the disk
    // Changes after the cut: clients saw these MODSEQs, the power cut loses them.
    const shown: number[] = [];
    for (const uid of [1, 2, 3]) shown.push(...(await store.storeFlags(boxId, [uid], 'add', ['\\Flagged'])).updated.map((m) => m.modseq));
    await store.close();
    assert.equal(shown.length, 3);

    const after = await open(crashed);
    try {
      assert.equal(after.recoveredFromUncleanShutdown, true);
      const box = await after.getMailboxById(boxId);
      assert.ok(box);
      assert.equal(box.highestModseq, atCut.highestModseq + MODSEQ_RECOVERY_MARGIN);
      assert.equal(box.uidValidity, atCut.uidValidity);
      assert.equal(box.uidNext, atCut.uidNext + UID_RECOVERY_MARGIN);
      assert.deepEqual(await after.listMessages(boxId), messagesAtCut, 'messages, flags and their MODSEQs as they were');
      const next = (await after.storeFlags(boxId, [2], 'add', ['\\Answered'])).updated[0];
      assert.ok(next);
      for (const modseq of shown) assert.ok(next.modseq > modseq, `MODSEQ ${next.modseq} given out again (had ${modseq})`);
      assert.deepEqual((await after.changesSince(boxId, Math.max(...shown))).changed.map((m) => m.uid), [2]);
      const appended = await after.appendMessage(boxId, { bytes: makeMessage(), flags: [] });
      assert.equal(appended.uid, atCut.uidNext + UID_RECOVERY_MARGIN);
      assert.equal(appended.uidValidity, atCut.uidValidity);
    } finally {
      await after.close();
    }
    const again = await open(crashed);
    assert.equal(again.recoveredFromUncleanShutdown, false, 'once only');
    await again.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
    rmSync(crashed, { recursive: true, force: true });
  }
});

test('sqlite store: after a power cut that lost appends other sessions saw, their UIDs are not given out again', async () => {
  const dir = tempDir();
  const crashed = tempDir();
  try {
    const store = await open(dir);
    const boxId = await withMessages(store, 2); // group commits: the handle is recorded before the first
    const atCut = await store.getMailboxById(boxId);
    assert.ok(atCut);
    snapshot(dir, crashed);
    // Appended after the cut, and listed (as another session's FETCH would): the power cut loses them.
    const shown = await Promise.all([1, 2, 3].map(() => store.appendMessage(boxId, { bytes: makeMessage(), flags: [] })));
    const seen = (await store.listMessages(boxId)).map((m) => m.uid);
    await store.close();
    assert.deepEqual(seen.slice(-3), shown.map((r) => r.uid).sort((a, b) => a - b));

    const after = await open(crashed);
    try {
      assert.equal(after.recoveredFromUncleanShutdown, true);
      const next = await after.appendMessage(boxId, { bytes: makeMessage(), flags: [] });
      for (const r of shown) {
        assert.ok(next.uid > r.uid, `UID ${next.uid} given out again (had ${r.uid})`);
        assert.ok(next.modseq > r.modseq, `MODSEQ ${next.modseq} given out again (had ${r.modseq})`);
      }
      assert.equal(next.uidValidity, atCut.uidValidity);
    } finally {
      await after.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
    rmSync(crashed, { recursive: true, force: true });
  }
});

test('sqlite store: rows of handles that are gone recover, a live process\'s row does not', async () => {
  const dir = tempDir();
  try {
    let store = await open(dir);
    const boxId = await withMessages(store, 1);
    const base = (await store.getMailboxById(boxId))?.highestModseq ?? 0;
    await store.close();
    const deadPid = spawnSync(process.execPath, ['-e', '']).pid;
    const insert = (token: string, pid: number, boot: string): void => {
      const db = new Database(join(dir, DATABASE_FILE));
      db.prepare('INSERT INTO store_handles (token, pid, boot, opened) VALUES (?, ?, ?, 0)').run(token, pid, boot);
      db.close();
    };
    const cases: Array<[string, number, string, boolean]> = [
      ['live process, this boot', process.ppid, bootId(), false],
      ['process gone (SIGKILL)', deadPid, bootId(), true],
      ['live pid, but another boot', process.ppid, 'another-boot', true],
      ['this pid, no handle of this process', process.pid, bootId(), true],
    ];
    let expected = base;
    for (const [what, pid, boot, recovers] of cases) {
      insert(what, pid, boot);
      store = await open(dir);
      assert.equal(store.recoveredFromUncleanShutdown, recovers, what);
      if (recovers) expected += MODSEQ_RECOVERY_MARGIN;
      assert.equal((await store.getMailboxById(boxId))?.highestModseq, expected, what);
      await store.close();
      const db = new Database(join(dir, DATABASE_FILE));
      db.prepare('DELETE FROM store_handles WHERE token = ?').run(what); // the live one's stays otherwise
      db.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('sqlite store: a database from before schema 6 (no marker) with mailboxes recovers once', async () => {
  const dir = tempDir();
  try {
    let store = await open(dir);
    const boxId = await withMessages(store, 1);
    const base = (await store.getMailboxById(boxId))?.highestModseq ?? 0;
    await store.close();
    const db = new Database(join(dir, DATABASE_FILE));
    db.exec('DROP TABLE store_handles; PRAGMA user_version = 5;');
    db.close();
    store = await open(dir);
    assert.equal(store.recoveredFromUncleanShutdown, true);
    assert.equal((await store.getMailboxById(boxId))?.highestModseq, base + MODSEQ_RECOVERY_MARGIN);
    await store.close();
    store = await open(dir);
    assert.equal(store.recoveredFromUncleanShutdown, false);
    await store.close();
    const fresh = tempDir();
    try {
      const empty = await open(fresh);
      assert.equal(empty.recoveredFromUncleanShutdown, false, 'a new database has nothing to recover');
      await empty.close();
    } finally {
      rmSync(fresh, { recursive: true, force: true });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('sqlite store: a handle whose row another process removed writes it again before its next relaxed commit', async () => {
  const dir = tempDir();
  const crashed = tempDir();
  try {
    const store = await open(dir);
    const boxId = await withMessages(store, 1);
    await store.storeFlags(boxId, [1], 'add', ['\\Seen']);
    const db = new Database(join(dir, DATABASE_FILE));
    db.exec('DELETE FROM store_handles'); // as a recovery that took this handle for dead would
    db.close();
    await store.storeFlags(boxId, [1], 'add', ['\\Flagged']);
    snapshot(dir, crashed);
    await store.close();
    const after = await open(crashed);
    assert.equal(after.recoveredFromUncleanShutdown, true);
    await after.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
    rmSync(crashed, { recursive: true, force: true });
  }
});
