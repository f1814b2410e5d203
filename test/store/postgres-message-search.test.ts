// The PostgreSQL store's header scan (src/store/postgres/search-headers.ts) gives exactly the SEARCH
// results of the per-message paths, over the MIME corpus and generated headers, also for contents
// stored without the header text (NULL: computed from the summary).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import pg from 'pg';
import { analyzeMessage } from '../../src/mime/analyze.js';
import { openPostgresStore } from '../../src/store/postgres/index.js';
import { describePostgres } from './postgres-helpers.js';
import { assertSameResults, contexts, keyArbitrary, needlePool, scans, seedCorpusTwice } from './search-scan-helpers.js';

await describePostgres('postgres header scan', (freshSchema) => {

  test('gives the per-message results, with and without stored header text', async () => {
    const url = await freshSchema();
    const store = await openPostgresStore({ url, analyze: analyzeMessage, poolSize: 4 });
    try {
      const account = await store.createAccount('scan', 'h');
      const box = await store.getMailbox(account.id, 'INBOX');
      assert.ok(box);
      const { mails, metas, uids } = await seedCorpusTwice(store, box.id);
      const view = metas.slice(1).map((meta, i) => ({ msn: i + 1, meta, recent: false }));
      const { fields, needles, dates } = await needlePool(store, box.id, uids);
      const ctxs = contexts(store, box.id, view);
      assert.deepEqual(await assertSameResults(ctxs, { kind: 'header', field: 'from', value: 'USER7@example.COM' }), [mails.length - 2, 2 * mails.length - 2]);
      scans.count = 0;
      for (const n of needles.filter((_, i) => i % 3 === 0)) await assertSameResults(ctxs, { kind: 'header', field: 'from', value: n });
      assert.ok(scans.count > 0);
      for (const f of fields) await assertSameResults(ctxs, { kind: 'header', field: f, value: '' });
      await fc.assert(fc.asyncProperty(keyArbitrary(fields, needles, uids, dates), async (key) => void (await assertSameResults(ctxs, key))), { numRuns: 100 });
      // Contents stored before schema 3 have no header text.
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        await client.query(`UPDATE blobs SET search_headers = NULL WHERE id IN (SELECT blob_id FROM messages WHERE uid % 3 = 0)`);
      } finally {
        await client.end();
      }
      await fc.assert(fc.asyncProperty(keyArbitrary(fields, needles, uids, dates), async (key) => void (await assertSameResults(ctxs, key))), { numRuns: 100 });
    } finally {
      await store.close();
    }
  });
});
