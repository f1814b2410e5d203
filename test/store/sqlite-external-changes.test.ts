// The SQLite store's watch on other processes' commits (external-changes.ts), driven by hand:
// check() signals exactly the watched mailboxes that another connection changed, once, and nothing
// for its own commits or while nobody listens. WatchedMailboxes stays within its bound.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { ChangeNotifier } from '../../src/store/events.js';
import { ExternalChanges } from '../../src/store/sqlite/external-changes.js';
import { WatchedMailboxes } from '../../src/store/watched.js';

function database(dir: string): Database.Database {
  const db = new Database(join(dir, 'x.sqlite'));
  db.pragma('journal_mode = WAL');
  return db;
}

test('check() signals the watched mailboxes another connection changed', () => {
  const dir = mkdtempSync(join(tmpdir(), 'postkeep-external-'));
  const ours = database(dir);
  const theirs = database(dir);
  try {
    ours.exec('CREATE TABLE mailboxes (id INTEGER PRIMARY KEY, highestmodseq INTEGER NOT NULL)');
    ours.exec('INSERT INTO mailboxes VALUES (1, 10), (2, 20), (3, 30)');
    const watched = new WatchedMailboxes();
    const notifier = new ChangeNotifier();
    const heard: Array<[number, number]> = [];
    const external = new ExternalChanges(ours, watched, notifier);
    watched.add(1);
    watched.add(2);

    theirs.exec('UPDATE mailboxes SET highestmodseq = 11 WHERE id = 1');
    external.check();
    assert.equal(heard.length, 0, 'nobody listens: not even read');

    const off = notifier.on((id, modseq) => {
      heard.push([id, modseq]);
    });
    external.check();
    // First read of each watched mailbox: both are signalled once (a signal a session already has is ignored).
    assert.deepEqual(heard, [[1, 11], [2, 20]]);
    heard.length = 0;
    external.check();
    assert.equal(heard.length, 0, 'no commit since');

    ours.exec('UPDATE mailboxes SET highestmodseq = 21 WHERE id = 2');
    external.check();
    assert.equal(heard.length, 0, 'our own commits are signalled where they are made, not here');
    theirs.pragma('wal_checkpoint(PASSIVE)');
    external.check();
    assert.equal(heard.length, 0, "another connection's checkpoint (the checkpoint thread's) is no commit");

    theirs.exec('UPDATE mailboxes SET highestmodseq = 31 WHERE id = 3');
    theirs.exec('UPDATE mailboxes SET highestmodseq = 12 WHERE id = 1');
    external.check();
    assert.deepEqual(heard, [[1, 12], [2, 21]], 'mailbox 3 is not watched; 2 moved since the last read');
    heard.length = 0;

    theirs.exec('DELETE FROM mailboxes WHERE id = 1');
    external.check();
    assert.deepEqual(heard, [[1, Number.MAX_SAFE_INTEGER]], 'a deleted mailbox wakes its sessions up');
    assert.deepEqual(watched.ids(), [2], 'and is forgotten');
    off();
  } finally {
    ours.close();
    theirs.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('WatchedMailboxes forgets the oldest beyond its bound', () => {
  const watched = new WatchedMailboxes(3);
  for (const id of [1, 2, 3, 2, 4]) watched.add(id);
  assert.deepEqual(watched.ids(), [2, 3, 4]);
  assert.equal(watched.changedSince(2, 5), true);
  assert.equal(watched.changedSince(2, 5), false);
  assert.equal(watched.changedSince(1, 5), false, 'not watched');
});
