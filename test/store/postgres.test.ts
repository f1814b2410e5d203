// The PostgreSQL store: the conformance suite on a throwaway database, plus what only this store has
// (several stores on one database as several nodes: UID allocation, NOTIFY, migrations at once).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import { openPostgresStore, type PostgresStore } from '../../src/store/postgres/index.js';
import { PG_SCHEMA_VERSION } from '../../src/store/postgres/schema.js';
import { storeConformanceSuite } from './conformance.js';
import { fakeAnalyze, makeMessage } from './fake-analyzer.js';
import { createTestDatabase, pgSkipReason, type TestDatabase } from './postgres-helpers.js';

const skip = await pgSkipReason();
let db: TestDatabase | undefined;

function url(): string {
  if (!db) throw new Error('the test database was not created');
  return db.url;
}

function open(extra: { poolSize?: number } = {}): Promise<PostgresStore> {
  return openPostgresStore({ url: url(), analyze: fakeAnalyze, poolSize: extra.poolSize ?? 4 });
}

describe('postgres store', { skip: skip ?? false }, () => {
  before(async () => {
    db = await createTestDatabase();
  });
  after(async () => {
    await db?.drop();
  });

  // Each conformance test gets a schema of its own: the suite expects an empty store.
  storeConformanceSuite('postgres', async () => {
    if (!db) throw new Error('the test database was not created');
    const store = await openPostgresStore({ url: await db.freshSchema(), analyze: fakeAnalyze, poolSize: 4 });
    return { store, cleanup: async () => undefined };
  });

  test('two nodes appending to one mailbox at once: distinct UIDs, ascending in commit order', async () => {
    const [a, b] = await Promise.all([open({ poolSize: 8 }), open({ poolSize: 8 })]);
    try {
      const account = await a.createAccount('race', 'h');
      const box = await a.getMailbox(account.id, 'INBOX');
      assert.ok(box);
      const results = await Promise.all(
        Array.from({ length: 80 }, (_, i) => (i % 2 === 0 ? a : b).appendMessage(box.id, { bytes: makeMessage(), flags: [] })),
      );
      const uids = results.map((r) => r.uid).sort((x, y) => x - y);
      assert.deepEqual(uids, Array.from({ length: 80 }, (_, i) => i + 1));
      assert.equal(new Set(results.map((r) => r.modseq)).size, 80);
      // Higher UID, higher MODSEQ: both come from the same row lock, in commit order.
      const byUid = [...results].sort((x, y) => x.uid - y.uid);
      for (let i = 1; i < byUid.length; i++) assert.ok((byUid[i]?.modseq ?? 0) > (byUid[i - 1]?.modseq ?? 0));
      assert.equal((await b.getQuota(account.id)).messagesUsed, 80);
    } finally {
      await a.close();
      await b.close();
    }
  });

  test('a change on one node reaches the other through NOTIFY; a node does not hear itself twice', async () => {
    const [a, b] = await Promise.all([open(), open()]);
    try {
      const account = await a.createAccount('notify', 'h');
      const box = await a.getMailbox(account.id, 'INBOX');
      assert.ok(box);
      const heardByA: Array<[number, number]> = [];
      a.onChange((id, modseq) => heardByA.push([id, modseq]));
      const heard = new Promise<[number, number]>((resolve) => b.onChange((id, modseq) => resolve([id, modseq])));
      const started = performance.now();
      const appended = await a.appendMessage(box.id, { bytes: makeMessage(), flags: [] });
      assert.deepEqual(await heard, [box.id, appended.modseq]);
      const latency = performance.now() - started;
      assert.ok(latency < 1000, `cross-node notification took ${latency} ms`);
      // A's own NOTIFY comes back on A's LISTEN connection; it must be filtered. Wait for a later
      // notification from B to be sure A's own one was delivered (NOTIFY keeps commit order).
      const fromB = new Promise<void>((resolve) => a.onChange((id) => id === box.id && resolve()));
      await b.storeFlags(box.id, [appended.uid], 'add', ['\\Seen']);
      await fromB;
      assert.deepEqual(heardByA.map(([id]) => id), [box.id, box.id], 'own append once, B flag change once');
    } finally {
      await a.close();
      await b.close();
    }
  });

  test('a lost LISTEN connection reconnects, and watched mailboxes get a wake-up for what was missed', async () => {
    const a = await open();
    const b = await open();
    try {
      const account = await a.createAccount('reconnect', 'h');
      const box = await a.getMailbox(account.id, 'INBOX');
      assert.ok(box);
      await a.listMessages(box.id); // a session on A looks at INBOX
      const admin = new pg.Client({ connectionString: url() });
      await admin.connect();
      try {
        // Every wake-up A hears for INBOX. On a slow machine A may reconnect (and send its resync
        // wake-up with the old modseq) before B's append commits; B's NOTIFY then reaches the new
        // LISTEN. Either way A must end up told of a modseq that covers the append.
        const heard: number[] = [];
        let recheck = (): void => undefined;
        a.onChange((id, modseq) => {
          if (id !== box.id) return;
          heard.push(modseq);
          recheck();
        });
        const toldOf = (modseq: number): Promise<void> =>
          new Promise((resolve) => {
            recheck = () => heard.some((m) => m >= modseq) && resolve();
            recheck();
          });
        await admin.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'postkeep-listen' AND datname = current_database()");
        // Changed while A may not be listening; A must still end up told about it.
        const appended = await b.appendMessage(box.id, { bytes: makeMessage(), flags: [] });
        await toldOf(appended.modseq); // the test's timeout fails it if A is never told
        while (a.listenerState.reconnects === 0) await new Promise((r) => setTimeout(r, 20));
        assert.equal(a.listenerState.connected, true);
        const after = new Promise<number>((resolve) => a.onChange((id, modseq) => id === box.id && modseq > appended.modseq && resolve(modseq)));
        const second = await b.appendMessage(box.id, { bytes: makeMessage(), flags: [] });
        assert.equal(await after, second.modseq);
      } finally {
        await admin.end();
      }
    } finally {
      await a.close();
      await b.close();
    }
  });

  test('several nodes starting at once on a fresh database migrate it once', async () => {
    const fresh = await createTestDatabase();
    try {
      const stores = await Promise.all(Array.from({ length: 4 }, () => openPostgresStore({ url: fresh.url, analyze: fakeAnalyze, poolSize: 2, listen: false })));
      const client = new pg.Client({ connectionString: fresh.url });
      await client.connect();
      assert.deepEqual((await client.query('SELECT version FROM postkeep_schema')).rows, [{ version: PG_SCHEMA_VERSION }]);
      await client.end();
      for (const s of stores) await s.close();
    } finally {
      await fresh.drop();
    }
  });

  test('text PostgreSQL cannot hold (NUL, lone surrogates) in summary and body text is stored as U+FFFD', async () => {
    const s = await openPostgresStore({
      url: url(),
      poolSize: 2,
      analyze: (bytes) => {
        const base = fakeAnalyze(bytes);
        return { summary: { ...base.summary, envelope: { ...base.summary.envelope, subject: 'a\u0000b\uD800c' } }, bodyText: 'x\u0000y' };
      },
    });
    try {
      const account = await s.createAccount('nul', 'h');
      const box = await s.getMailbox(account.id, 'INBOX');
      assert.ok(box);
      await s.appendMessage(box.id, { bytes: makeMessage(), flags: [] });
      const [meta] = await s.listMessages(box.id);
      assert.ok(meta);
      assert.equal((await s.getSummaries(box.id, [1])).get(1)?.envelope.subject, 'a\uFFFDb\uFFFDc');
      assert.equal(await s.getBodyText(meta.blobId), 'x\uFFFDy');
    } finally {
      await s.close();
    }
  });
});
