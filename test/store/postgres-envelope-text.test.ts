// The PostgreSQL store's ENVELOPE text (src/store/postgres/envelope-text.ts, schema step 5): stored
// at delivery when session-independent (both append paths), the Envelope itself answered where none
// is stored (8-bit values, rows from before the step), dense and sparse UID sets alike.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import pg from 'pg';
import { analyzeMessage } from '../../src/mime/analyze.js';
import { openPostgresStore } from '../../src/store/postgres/index.js';
import { ASCII, assertTextAndEnvelope, seedEnvelopeMailbox } from './envelope-text-fixtures.js';
import { describePostgres } from './postgres-helpers.js';

await describePostgres('postgres ENVELOPE text', (freshSchema) => {

  test('ASCII envelopes come back as IMAP text, 8-bit ones and rows from before as the Envelope', async () => {
    const url = await freshSchema();
    const store = await openPostgresStore({ url, analyze: analyzeMessage, poolSize: 2 });
    try {
      const boxId = await seedEnvelopeMailbox(store);
      const { summaries, texts } = await assertTextAndEnvelope(store, boxId);
      // A sparse set (a list, not a range) answers the same; expunged and unknown UIDs are absent.
      await store.appendMessage(boxId, { bytes: ASCII, flags: [] }); // same content: one blob
      assert.deepEqual([...(await store.getEnvelopeTexts(boxId, [1, 40, 90])).keys()], [1]);
      assert.equal((await store.getEnvelopeTexts(boxId, [3])).get(3), texts.get(1));
      await store.storeFlags(boxId, [3], 'add', ['\\Deleted']);
      await store.expunge(boxId);
      assert.deepEqual([...(await store.getEnvelopeTexts(boxId, [1, 2, 3])).keys()], [1, 2]);

      // Contents stored before step 5 have no text: their Envelope comes from the summary.
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        await client.query('UPDATE blobs SET envelope_imap = NULL');
      } finally {
        await client.end();
      }
      const before = await store.getEnvelopeTexts(boxId, [1, 2]);
      assert.deepEqual(before.get(1), summaries.get(1)!.envelope);
      assert.deepEqual(before.get(2), summaries.get(2)!.envelope);
    } finally {
      await store.close();
    }
  });
});
