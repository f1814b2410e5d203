// The PostgreSQL store's ENVELOPE text (src/store/postgres/envelope-text.ts, schema step 5): stored
// at delivery when session-independent (both append paths), the Envelope itself answered where none
// is stored (8-bit values, rows from before the step), dense and sparse UID sets alike.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import { analyzeMessage } from '../../src/mime/analyze.js';
import { envelopeImap } from '../../src/mime/envelope-imap.js';
import { openPostgresStore } from '../../src/store/postgres/index.js';
import { createTestDatabase, pgSkipReason, type TestDatabase } from './postgres-helpers.js';

const skip = await pgSkipReason();
const ASCII = Buffer.from('From: Ann <ann@example.com>\r\nTo: bob@example.org\r\nSubject: "quoted" \\ back\r\nMessage-ID: <a@b>\r\n\r\nHi\r\n');
const EIGHT_BIT = Buffer.from('From: Jürgen <j@example.com>\r\nSubject: Grüße\r\n\r\nHallo\r\n', 'utf8');

describe('postgres ENVELOPE text', { skip: skip ?? false }, () => {
  let db: TestDatabase | undefined;
  before(async () => {
    db = await createTestDatabase();
  });
  after(async () => {
    await db?.drop();
  });

  test('ASCII envelopes come back as IMAP text, 8-bit ones and rows from before as the Envelope', async () => {
    assert.ok(db);
    const url = await db.freshSchema();
    const store = await openPostgresStore({ url, analyze: analyzeMessage, poolSize: 2 });
    try {
      const account = await store.createAccount('env', 'h');
      const box = await store.getMailbox(account.id, 'INBOX');
      assert.ok(box);
      await store.appendMessage(box.id, { bytes: ASCII, flags: [] });
      await store.appendMessages(box.id, [{ bytes: EIGHT_BIT, flags: [] }]);
      const summaries = await store.getSummaries(box.id, [1, 2]);
      const texts = await store.getEnvelopeTexts(box.id, [1, 2]);
      assert.equal(texts.get(1), envelopeImap(summaries.get(1)!.envelope, false));
      assert.deepEqual(texts.get(2), summaries.get(2)!.envelope);
      // A sparse set (a list, not a range) answers the same; expunged and unknown UIDs are absent.
      await store.appendMessage(box.id, { bytes: ASCII, flags: [] }); // same content: one blob
      assert.deepEqual([...(await store.getEnvelopeTexts(box.id, [1, 40, 90])).keys()], [1]);
      assert.equal((await store.getEnvelopeTexts(box.id, [3])).get(3), texts.get(1));
      await store.storeFlags(box.id, [3], 'add', ['\\Deleted']);
      await store.expunge(box.id);
      assert.deepEqual([...(await store.getEnvelopeTexts(box.id, [1, 2, 3])).keys()], [1, 2]);

      // Contents stored before step 5 have no text: their Envelope comes from the summary.
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        await client.query('UPDATE blobs SET envelope_imap = NULL');
      } finally {
        await client.end();
      }
      const before = await store.getEnvelopeTexts(box.id, [1, 2]);
      assert.deepEqual(before.get(1), summaries.get(1)!.envelope);
      assert.deepEqual(before.get(2), summaries.get(2)!.envelope);
    } finally {
      await store.close();
    }
  });
});
