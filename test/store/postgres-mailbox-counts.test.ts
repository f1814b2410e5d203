// STATUS counts of the PostgreSQL store (schema step 4: mailbox_counts, kept by statement-level
// triggers): a database from before gets them from its messages, and two nodes changing one mailbox
// at once leave them right. That they follow every change is in the conformance tests.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import pg from 'pg';
import { openPostgresStore } from '../../src/store/postgres/index.js';
import { fakeAnalyze, makeMessage } from './fake-analyzer.js';
import { describePostgres } from './postgres-helpers.js';

await describePostgres('postgres STATUS counts', (freshSchema) => {

  test('a database from before step 4 gets its counts from its messages', async () => {
    const url = await freshSchema();
    let store = await openPostgresStore({ url, analyze: fakeAnalyze, poolSize: 2 });
    let inboxId: number;
    try {
      const account = await store.createAccount('lee', 'h');
      const inbox = await store.getMailbox(account.id, 'INBOX');
      assert.ok(inbox);
      inboxId = inbox.id;
      for (let i = 0; i < 6; i++) await store.appendMessage(inbox.id, { bytes: makeMessage({ subject: `m${i}` }), flags: i < 2 ? ['\\Seen'] : i === 5 ? ['\\Deleted'] : [] });
    } finally {
      await store.close();
    }
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      await client.query('DROP TABLE mailbox_counts CASCADE');
      await client.query('DROP TRIGGER mailbox_counts_added ON messages; DROP TRIGGER mailbox_counts_removed ON messages; DROP TRIGGER mailbox_counts_changed ON messages');
      await client.query('UPDATE postkeep_schema SET version = 3');
    } finally {
      await client.end();
    }
    store = await openPostgresStore({ url, analyze: fakeAnalyze, poolSize: 2 });
    try {
      const status = await store.mailboxStatus(inboxId);
      assert.deepEqual([status.messages, status.unseen, status.deleted], [6, 4, 1]);
    } finally {
      await store.close();
    }
  });

  test('two nodes appending, flagging and expunging in one mailbox at once: the counts stay right', async () => {
    const url = await freshSchema();
    const [a, b] = [await openPostgresStore({ url, analyze: fakeAnalyze, poolSize: 4 }), await openPostgresStore({ url, analyze: fakeAnalyze, poolSize: 4 })];
    try {
      const account = await a.createAccount('kai', 'h');
      const inbox = await a.getMailbox(account.id, 'INBOX');
      const other = await a.createMailbox(account.id, 'Other');
      assert.ok(inbox);
      const work = async (store: typeof a, n: number): Promise<void> => {
        for (let i = 0; i < 15; i++) {
          const { uid } = await store.appendMessage(inbox.id, { bytes: makeMessage({ subject: `${n}-${i}` }), flags: [] });
          if (i % 2 === 0) await store.storeFlags(inbox.id, [uid], 'add', ['\\Seen']);
          if (i % 5 === 0) await store.moveMessages(inbox.id, [uid], other.id);
          if (i % 7 === 0) await store.moveMessages(other.id, (await store.listMessages(other.id)).slice(0, 1).map((m) => m.uid), inbox.id);
        }
      };
      await Promise.all([work(a, 1), work(b, 2), work(a, 3), work(b, 4)]);
      for (const id of [inbox.id, other.id]) {
        const all = await a.listMessages(id);
        const status = await b.mailboxStatus(id);
        assert.deepEqual(
          [status.messages, status.unseen, status.size],
          [all.length, all.filter((m) => !m.flags.includes('\\Seen')).length, all.reduce((s, m) => s + m.size, 0)],
        );
      }
    } finally {
      await a.close();
      await b.close();
    }
  });
});
