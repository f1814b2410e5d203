// Message bytes and body text read through the memory-mapped connection (src/store/sqlite/mapped-reader.ts): the
// same bytes as the main connection, the main connection's own uncommitted rows still found, and the
// [store] mmap = false path (no map at all).
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { analyzeMessage } from '../../src/mime/analyze.js';
import { inlineBytes } from '../../src/store/sqlite/inline-blobs.js';
import { openSqliteStore } from '../../src/store/sqlite/index.js';
import { MAP_IDLE_MS, MappedReader } from '../../src/store/sqlite/mapped-reader.js';
import type { MessageMeta } from '../../src/store/types.js';

function withDir<T>(fn: (dir: string) => Promise<T> | T): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'postkeep-mapped-'));
  return Promise.resolve()
    .then(() => fn(dir))
    .finally(() => rmSync(dir, { recursive: true, force: true }));
}

/** The end of this turn of the event loop: the map's read transaction (one per turn) is over. */
const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

test('rows committed by the main connection are read through the map; its open transaction is read from it', () =>
  withDir(async (dir) => {
    const path = join(dir, 'db.sqlite');
    const main = new Database(path);
    main.pragma('journal_mode = WAL');
    main.exec("CREATE TABLE blobs (id TEXT PRIMARY KEY, bytes BLOB, body_text TEXT NOT NULL DEFAULT 'text', body_text_in_file INTEGER NOT NULL DEFAULT 0, summary TEXT NOT NULL DEFAULT '{}')");
    const insert = main.prepare('INSERT INTO blobs (id, bytes) VALUES (?, ?)');
    insert.run('committed', Buffer.from('hello, map'));
    insert.run('in-a-file', null);
    const mapped = new MappedReader(path);
    try {
      assert.deepEqual(mapped.bytes('committed'), Buffer.from('hello, map'));
      assert.equal(mapped.bytes('in-a-file'), null, 'NULL bytes: the message is in a file');
      assert.equal(mapped.bytes('missing'), undefined);
      assert.deepEqual(mapped.bodyTextRow('committed'), ['text', null]);
      assert.equal(mapped.bodyTextRow('missing'), undefined);
      assert.deepEqual(inlineBytes(main, 'committed', 7, undefined, mapped), Buffer.from('map'));

      main.exec('BEGIN');
      insert.run('uncommitted', Buffer.from('not yet visible elsewhere'));
      assert.equal(mapped.bytes('uncommitted'), undefined, "the map's connection reads committed rows only");
      assert.deepEqual(inlineBytes(main, 'uncommitted', 0, undefined, mapped), Buffer.from('not yet visible elsewhere'));
      main.exec('COMMIT');
      // The reads of one turn share a snapshot: a commit shows through the map in the next turn, or
      // at once after endSnapshot() (what the store calls after its own commits).
      assert.equal(mapped.bytes('uncommitted'), undefined, 'same turn: the snapshot from before the commit');
      assert.deepEqual(inlineBytes(main, 'uncommitted', 0, undefined, mapped), Buffer.from('not yet visible elsewhere'), 'same turn: from the main connection');
      await nextTurn();
      assert.deepEqual(mapped.bytes('uncommitted'), Buffer.from('not yet visible elsewhere'), 'next turn: through the map');
      main.prepare('DELETE FROM blobs WHERE id = ?').run('uncommitted');
      assert.deepEqual(mapped.bytes('uncommitted'), Buffer.from('not yet visible elsewhere'), 'same turn: deleted after the snapshot began');
      mapped.endSnapshot();
      assert.equal(mapped.bytes('uncommitted'), undefined, 'after endSnapshot: the deletion is seen');
      assert.equal(inlineBytes(main, 'missing', 0, undefined, mapped), null, 'no row anywhere: null (the file read then says NONEXISTENT)');

      // The turn's transaction holds the WAL until the turn ends, and no longer: then a checkpoint
      // may copy and reset all of it.
      main.pragma('busy_timeout = 0');
      const truncate = (): number => (main.pragma('wal_checkpoint(TRUNCATE)') as Array<{ busy: number }>)[0]?.busy ?? -1;
      insert.run('later', Buffer.from('x'));
      assert.deepEqual(mapped.bytes('committed'), Buffer.from('hello, map'));
      assert.equal(truncate(), 1, 'while the turn reads: the WAL is in use');
      await nextTurn();
      assert.equal(truncate(), 0, 'after the turn: the WAL is free');

      // Idle: the map is let go (its pages leave the RSS) and opened again by the next read.
      assert.equal(mapped.isOpen, true);
      mapped.releaseIfIdle(performance.now() + 1000);
      assert.equal(mapped.isOpen, true, 'read a moment ago: kept');
      mapped.releaseIfIdle(performance.now() + MAP_IDLE_MS + 1);
      assert.equal(mapped.isOpen, false, 'idle for MAP_IDLE_MS: closed');
      assert.deepEqual(mapped.bytes('committed'), Buffer.from('hello, map'), 'reopened at the next read');
      assert.equal(mapped.isOpen, true);

      mapped.close();
      assert.equal(mapped.bytes('committed'), undefined, 'closed: nothing through the map');
      assert.equal(mapped.isOpen, false);
      assert.deepEqual(inlineBytes(main, 'committed', 0, undefined, mapped), Buffer.from('hello, map'), 'closed: from the main connection');
    } finally {
      mapped.close();
      main.close();
    }
  }));

test('a map that cannot be opened leaves the reads to the main connection', () =>
  withDir((dir) => {
    const mapped = new MappedReader(join(dir, 'no-such.sqlite'));
    try {
      assert.equal(mapped.bytes('any'), undefined, 'no file: not an error, the caller asks the main connection');
      assert.equal(mapped.bodyTextRow('any'), undefined);
      assert.equal(mapped.isOpen, false);
    } finally {
      mapped.close();
    }
  }));

test('mmap on and off: the same bytes, whole and in ranges, for inline and file messages', () =>
  withDir(async (dir) => {
    const small = Buffer.from('From: a@example.org\r\nSubject: small\r\n\r\nshort body\r\n');
    const big = Buffer.from(`From: a@example.org\r\nSubject: big\r\n\r\n${'x'.repeat(100 * 1024)}\r\n`);
    for (const mmap of [true, false]) {
      const store = await openSqliteStore({ dataDir: join(dir, String(mmap)), analyze: analyzeMessage, fsync: false, mmap });
      try {
        const account = await store.createAccount('mia', 'h');
        const inbox = await store.getMailbox(account.id, 'INBOX');
        assert.ok(inbox);
        for (const bytes of [small, big]) {
          const { uid } = await store.appendMessage(inbox.id, { bytes, flags: [], internalDate: Date.now() });
          const meta: MessageMeta | undefined = (await store.listMessages(inbox.id)).find((m) => m.uid === uid);
          assert.ok(meta);
          assert.deepEqual(await store.readMessage(meta.blobId), bytes, `mmap ${mmap}: whole`);
          assert.deepEqual(await store.readMessage(meta.blobId, 5, 30), bytes.subarray(5, 30), `mmap ${mmap}: range`);
        }
        // SEARCH BODY's text (the map's second statement): the same with and without the map.
        const [first] = await store.listMessages(inbox.id);
        assert.ok(first);
        assert.match(await store.getBodyText(first.blobId), /short body/, `mmap ${mmap}: body text`);
        const mapped = (store as unknown as { ctx: { mapped: MappedReader | null } }).ctx.mapped;
        assert.equal(mapped !== null, mmap, 'a map only when the setting is on');
      } finally {
        await store.close();
      }
    }
  }));

test('reads through the map while appends commit and the WAL checkpointer copies pages: every read is the message', () =>
  withDir(async (dir) => {
    // fsync on: the checkpointer thread (wal-checkpointer.ts) writes into the file the map reads.
    const store = await openSqliteStore({ dataDir: dir, analyze: analyzeMessage, fsync: true });
    try {
      const account = await store.createAccount('sam', 'h');
      const inbox = await store.getMailbox(account.id, 'INBOX');
      assert.ok(inbox);
      let appended = 0;
      let reads = 0;
      const appender = async (writer: number): Promise<void> => {
        for (let i = 0; i < 120; i++) {
          const body = `From: a@example.org\r\nSubject: ${writer}-${i}\r\n\r\n${'x'.repeat(200 + ((writer * 7919 + i * 104729) % 20000))}\r\n`;
          await store.appendMessage(inbox.id, { bytes: Buffer.from(body), flags: [], internalDate: Date.now() });
          appended++;
        }
      };
      const reader = async (): Promise<void> => {
        for (let round = 0; appended < 600; round++) {
          const list = await store.listMessages(inbox.id);
          for (let k = 0; k < list.length; k += 7) {
            const meta = list[(k + round) % list.length];
            if (!meta) continue;
            const bytes = await store.readMessage(meta.blobId);
            assert.equal(createHash('sha256').update(bytes).digest('hex'), meta.blobId, `UID ${meta.uid}`);
            reads++;
          }
          await new Promise((resolve) => setImmediate(resolve));
        }
      };
      await Promise.all([0, 1, 2, 3, 4].map(appender).concat(reader()));
      assert.equal(appended, 600);
      // And every message once more, after the last commit and checkpoint.
      for (const meta of await store.listMessages(inbox.id)) {
        assert.equal(createHash('sha256').update(await store.readMessage(meta.blobId)).digest('hex'), meta.blobId, `UID ${meta.uid}`);
        reads++;
      }
      assert.ok(reads >= 600);
      assert.ok((store.walCheckpointer?.completed ?? 0) > 0, 'checkpoints ran meanwhile');
    } finally {
      await store.close();
    }
  }));
