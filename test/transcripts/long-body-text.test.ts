// SEARCH BODY/TEXT and FETCH PREVIEW over a live connection for a message whose body text is too
// long for the SQLite row (src/store/sqlite/body-text.ts): the text comes from the message file.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { DATABASE_FILE } from '../../src/store/sqlite/sqlite-store.js';
import { ImapClient } from '../helpers/imap-client.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

const USER = 'longbody';
const PASS = 'long-body-secret';

/** About 200 KB of text/plain whose last line holds a word found nowhere else. */
function bigMessage(): Buffer {
  const lines = ['From: a@example.org', 'To: longbody@example.org', 'Subject: a long one', 'Content-Type: text/plain; charset=utf-8', ''];
  lines.push('Dear reader, this report is long.');
  for (let i = 0; lines.join('\r\n').length < 200 * 1024; i++) lines.push(`line ${i}: the quick brown fox jumps over the lazy dog`);
  lines.push('Signed, the wandering albatross', '');
  return Buffer.from(lines.join('\r\n'));
}

describe('a message with a long body text, over IMAP', () => {
  let server: TestServer;
  let c: ImapClient;

  before(async () => {
    server = await startTestServer();
    await server.addUser(USER, PASS);
    c = await ImapClient.connect({ port: server.port, name: 'L' });
    await c.login(USER, PASS);
    await c.ok(['APPEND INBOX ', { literal: bigMessage(), nonSync: true }]);
    await c.ok(['APPEND INBOX ', { literal: 'From: b@example.org\r\nSubject: short\r\n\r\nan albatross, briefly\r\n', nonSync: true }]);
    await c.ok('SELECT INBOX');
  });
  after(async () => {
    await c?.close();
    await server?.stop();
  });

  it('the long text is not in the database; the short one is', () => {
    const db = new Database(join(server.dataDir, DATABASE_FILE), { readonly: true });
    try {
      const rows = db
        .prepare('SELECT m.uid, length(b.body_text), b.body_text_in_file FROM messages m JOIN blobs b ON b.id = m.blob_id ORDER BY m.uid')
        .raw(true)
        .all() as Array<[number, number, number]>;
      assert.deepEqual(rows.map(([uid, , inFile]) => [uid, inFile]), [[1, 1], [2, 0]]);
      assert.equal(rows[0]?.[1], 0);
      assert.ok((rows[1]?.[1] ?? 0) > 0);
    } finally {
      db.close();
    }
  });

  it('SEARCH BODY and TEXT find a word near the end of the 200 KB message', async () => {
    const found = (key: string): Promise<readonly string[]> => c.ok(`SEARCH ${key}`).then((r) => r.lines);
    assert.deepEqual(await found('BODY albatross'), ['* SEARCH 1 2']);
    assert.deepEqual(await found('TEXT "WANDERING ALBATROSS"'), ['* SEARCH 1']);
    assert.deepEqual(await found('BODY platypus'), ['* SEARCH']);
  });

  it('FETCH PREVIEW reads the start of the long text', async () => {
    const r = await c.ok('FETCH 1 (PREVIEW)');
    assert.match(r.lines.join('\n'), /^\* 1 FETCH \(PREVIEW "Dear reader, this report is long\. line 0: the quick brown fox/m);
  });
});
