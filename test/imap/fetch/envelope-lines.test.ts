// FETCH ENVELOPE with metadata items answers from the stored envelope text (src/imap/commands/fetch.ts
// fetchEnvelopeLines): byte for byte what the value-tree path sends, in IMAP4rev1 and UTF-8 sessions,
// for ASCII contents (stored text) and 8-bit ones (no text: serialized in the session's mode).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { serialize } from '../../../src/imap/wire/writer.js';
import { envelopeData } from '../../../src/mime/imap-data.js';
import { parseMessage } from '../../../src/mime/parse.js';
import { ImapClient } from '../../helpers/imap-client.js';
import { startTestServer, type TestServer } from '../../helpers/server.js';

const USER = 'envlines';
const PASS = 'envlines-secret';
const MESSAGES = [
  'From: Ann <ann@example.com>\r\nTo: bob@example.org, "Q \\" B" <q@example.org>\r\nSubject: plain\r\nDate: Mon, 1 Jan 2024 10:00:00 +0000\r\nMessage-ID: <1@x>\r\n\r\nHi\r\n',
  'From: Jürgen <j@example.com>\r\nSubject: Grüße\r\n\r\nHallo\r\n',
  'From: a@example.com\r\nSubject: third\r\nIn-Reply-To: <1@x>\r\n\r\nBye\r\n',
].map((s) => Buffer.from(s, 'utf8'));

function expected(n: number, utf8: boolean): string {
  const env = parseMessage(MESSAGES[n - 1] as Buffer).envelope;
  const parts = serialize(envelopeData(env), { utf8 });
  return Buffer.concat(parts.map((p) => (Buffer.isBuffer(p) ? p : Buffer.alloc(0)))).toString('utf8');
}

describe('FETCH ENVELOPE from the stored text', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
    await server.addUser(USER, PASS);
    for (const m of MESSAGES) await server.seed(USER, 'INBOX', m, m === MESSAGES[2] ? ['\\Seen'] : []);
  });
  after(async () => {
    await server?.stop();
  });

  for (const utf8 of [false, true]) {
    it(`matches the writer's serialization (UTF-8 ${utf8 ? 'on' : 'off'})`, async () => {
      const c = await ImapClient.connect({ port: server.port, name: 'E' });
      try {
        await c.login(USER, PASS);
        if (utf8) await c.ok('ENABLE UTF8=ACCEPT');
        await c.ok('SELECT INBOX');
        const r = await c.ok('FETCH 1:* (ENVELOPE)');
        assert.deepEqual(r.lines, [1, 2, 3].map((n) => `* ${n} FETCH (ENVELOPE ${expected(n, utf8)})`));
        // Item order as asked, UID first for UID FETCH, each item once.
        const u = await c.ok('UID FETCH 2:3 (FLAGS ENVELOPE FLAGS)');
        // The first session to select sees \Recent (IMAP4rev1): not what this test is about.
        assert.deepEqual(u.lines.map((l) => l.replace(/ ?\\Recent/, '').replace('( ', '(')), [
          `* 2 FETCH (UID 2 FLAGS () ENVELOPE ${expected(2, utf8)})`,
          `* 3 FETCH (UID 3 FLAGS (\\Seen) ENVELOPE ${expected(3, utf8)})`,
        ]);
        // A sparse set.
        const s = await c.ok('FETCH 3,1 (RFC822.SIZE ENVELOPE)');
        assert.deepEqual(s.lines, [
          `* 1 FETCH (RFC822.SIZE ${MESSAGES[0]?.length} ENVELOPE ${expected(1, utf8)})`,
          `* 3 FETCH (RFC822.SIZE ${MESSAGES[2]?.length} ENVELOPE ${expected(3, utf8)})`,
        ]);
      } finally {
        await c.close();
      }
    });
  }
});
