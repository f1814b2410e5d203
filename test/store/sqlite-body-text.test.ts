// Long body texts are not stored in the SQLite rows (src/store/sqlite/body-text.ts): getBodyText reads
// them from the message file, and must give back exactly the string delivery's analysis produced.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import Database from 'better-sqlite3';
import fc from 'fast-check';
import { analyzeMessage } from '../../src/mime/analyze.js';
import { searchMessages } from '../../src/search/index.js';
import { BODY_TEXT_INLINE_MAX } from '../../src/store/sqlite/body-text.js';
import { openSqliteStore, type SqliteStore } from '../../src/store/sqlite/index.js';
import { DATABASE_FILE } from '../../src/store/sqlite/sqlite-store.js';
import { StoreError, type MessageAnalyzer } from '../../src/store/types.js';
import { fakeAnalyze } from './fake-analyzer.js';

const HEAD = 'From: a@example.org\r\nTo: b@example.org\r\nSubject: long\r\nMIME-Version: 1.0\r\n';

/** Lines of words (CRLF), about `chars` characters. */
function prose(chars: number, seed = 0): string {
  const words = ['lorem', 'ipsum', 'dolor', 'sit', 'amet', 'consectetur', 'adipiscing', 'elit'];
  const lines: string[] = [];
  let length = 0;
  for (let i = 0; length < chars; i++) {
    const line = Array.from({ length: 10 }, (_, j) => words[(i * 7 + j * 3 + seed) % words.length]).join(' ') + ` ${i}`;
    lines.push(line);
    length += line.length + 2;
  }
  return lines.join('\r\n') + '\r\n';
}

/** Quoted-printable (RFC 2045 §6.7), soft line breaks before 76 characters. */
function quotedPrintable(bytes: Buffer): string {
  let out = '';
  let line = '';
  for (const b of bytes) {
    const piece = (b >= 33 && b <= 126 && b !== 61) || b === 32 ? String.fromCharCode(b) : `=${b.toString(16).toUpperCase().padStart(2, '0')}`;
    if (line.length + piece.length > 75) {
      out += `${line}=\r\n`;
      line = '';
    }
    line += piece;
  }
  return `${out}${line}\r\n`;
}

function base64Lines(bytes: Buffer): string {
  return (bytes.toString('base64').match(/.{1,76}/g) ?? []).join('\r\n') + '\r\n';
}

const CASES: ReadonlyArray<readonly [string, Buffer]> = [
  ['a 200 KB text/plain', Buffer.from(`${HEAD}Content-Type: text/plain\r\n\r\n${prose(200 * 1024)}the last word is zebrafinch\r\n`)],
  [
    'a large text/html (tags, entities, style)',
    Buffer.from(
      `${HEAD}Content-Type: text/html; charset=utf-8\r\n\r\n<html><style>p { color: red }</style><body>` +
        prose(60 * 1024).split('\r\n').map((l) => `<p class="x">${l} &amp; &lt;tag&gt; &#233;t&#xE9;</p>`).join('\r\n') +
        '</body></html>\r\n',
    ),
  ],
  [
    'a multipart with a big quoted-printable part, an attachment and an enclosed message',
    Buffer.from(
      `${HEAD}Content-Type: multipart/mixed; boundary="outer"\r\n\r\npreamble\r\n` +
        `--outer\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n` +
        quotedPrintable(Buffer.from(`naïve café ${prose(50 * 1024, 3)} Straße ☃\r\n`, 'utf8')) +
        `--outer\r\nContent-Type: application/pdf; name="=?UTF-8?Q?r=C3=A9sum=C3=A9.pdf?="\r\nContent-Disposition: attachment; filename="résumé.pdf"\r\nContent-Transfer-Encoding: base64\r\n\r\n` +
        base64Lines(Buffer.from('%PDF-1.4 not really')) +
        `--outer\r\nContent-Type: message/rfc822\r\n\r\nFrom: inner@example.org\r\nSubject: =?ISO-8859-1?Q?inner_subj=E9ct?=\r\n\r\ninner body\r\n` +
        `--outer--\r\n`,
      'utf8',
    ),
  ],
  [
    '8-bit ISO-8859-1 text',
    Buffer.concat([
      Buffer.from(`${HEAD}Content-Type: text/plain; charset=ISO-8859-1\r\nContent-Transfer-Encoding: 8bit\r\n\r\n`),
      Buffer.from(`Ça débute: ${prose(40 * 1024, 5)} à bientôt, Zoë\r\n`, 'latin1'),
    ]),
  ],
  [
    'base64 UTF-8 text with astral characters',
    Buffer.from(
      `${HEAD}Content-Type: text/plain; charset="utf-8"\r\nContent-Transfer-Encoding: base64\r\n\r\n` +
        base64Lines(Buffer.from(`𝒳 ${prose(40 * 1024, 1)} 東京 🙂\r\n`, 'utf8')),
    ),
  ],
];

async function withStore(analyze: MessageAnalyzer, run: (store: SqliteStore, mailboxId: number, dir: string) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'postkeep-body-text-'));
  const store = await openSqliteStore({ dataDir: dir, analyze, fsync: false });
  try {
    const account = await store.createAccount('alice', 'h');
    const box = await store.getMailbox(account.id, 'INBOX');
    assert.ok(box);
    await run(store, box.id, dir);
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The stored columns of a content, read through a second connection. */
function row(dir: string, blobId: string): { body_text: string; body_text_in_file: number } {
  const db = new Database(join(dir, DATABASE_FILE), { readonly: true });
  try {
    return db.prepare('SELECT body_text, body_text_in_file FROM blobs WHERE id = ?').get(blobId) as { body_text: string; body_text_in_file: number };
  } finally {
    db.close();
  }
}

async function appendAndRead(store: SqliteStore, mailboxId: number, bytes: Buffer): Promise<{ blobId: string; text: string }> {
  const { uid } = await store.appendMessage(mailboxId, { bytes, flags: [] });
  const meta = (await store.listMessages(mailboxId)).find((m) => m.uid === uid);
  assert.ok(meta);
  return { blobId: meta.blobId, text: await store.getBodyText(meta.blobId) };
}

describe('sqlite store: long body texts are read from the message file', () => {
  for (const [name, bytes] of CASES) {
    test(`${name}: no text in the row, getBodyText = the analysis at delivery`, () =>
      withStore(analyzeMessage, async (store, mailboxId, dir) => {
        const expected = analyzeMessage(bytes).bodyText;
        assert.ok(expected.length > BODY_TEXT_INLINE_MAX, `the case is long enough (${expected.length})`);
        const { blobId, text } = await appendAndRead(store, mailboxId, bytes);
        assert.deepEqual(row(dir, blobId), { body_text: '', body_text_in_file: 1 });
        assert.equal(text, expected);
      }));
  }

  test('the limit: a text of BODY_TEXT_INLINE_MAX characters stays in the row, one more goes to the file', () =>
    withStore(analyzeMessage, async (store, mailboxId, dir) => {
      // extractBodyText ends each text part with "\n": a body of n-1 characters (no final CRLF) gives n.
      const message = (n: number): Buffer => Buffer.from(`${HEAD}Content-Type: text/plain\r\n\r\n${'x'.repeat(n - 2)}y`);
      const at = await appendAndRead(store, mailboxId, message(BODY_TEXT_INLINE_MAX));
      assert.equal(at.text.length, BODY_TEXT_INLINE_MAX);
      assert.deepEqual(row(dir, at.blobId), { body_text: at.text, body_text_in_file: 0 });
      const above = await appendAndRead(store, mailboxId, message(BODY_TEXT_INLINE_MAX + 1));
      assert.equal(above.text.length, BODY_TEXT_INLINE_MAX + 1);
      assert.deepEqual(row(dir, above.blobId), { body_text: '', body_text_in_file: 1 });
    }));

  test('a small message keeps its text in the row', () =>
    withStore(analyzeMessage, async (store, mailboxId, dir) => {
      const bytes = Buffer.from(`${HEAD}Content-Type: text/plain\r\n\r\nshort and sweet\r\n`);
      const { blobId, text } = await appendAndRead(store, mailboxId, bytes);
      assert.equal(text, 'short and sweet\r\n\n');
      assert.deepEqual(row(dir, blobId), { body_text: text, body_text_in_file: 0 });
    }));

  test('property: multipart messages of random text parts read back the analysis, in the row or from the file', () =>
    withStore(analyzeMessage, async (store, mailboxId) => {
      const part = fc.record({
        text: fc.string({ unit: 'grapheme', maxLength: 200 }),
        repeat: fc.integer({ min: 1, max: 400 }),
        subtype: fc.constantFrom('plain', 'html'),
        encoding: fc.constantFrom('8bit', 'base64', 'quoted-printable'),
      });
      let n = 0;
      await fc.assert(
        fc.asyncProperty(fc.array(part, { minLength: 1, maxLength: 4 }), async (parts) => {
          n++;
          let body = '';
          for (const p of parts) {
            const raw = Buffer.from(p.text.repeat(p.repeat), 'utf8');
            const encoded = p.encoding === 'base64' ? base64Lines(raw) : p.encoding === 'quoted-printable' ? quotedPrintable(raw) : raw.toString('utf8');
            body += `--b\r\nContent-Type: text/${p.subtype}; charset=utf-8\r\nContent-Transfer-Encoding: ${p.encoding}\r\n\r\n${encoded}\r\n`;
          }
          const bytes = Buffer.from(`${HEAD}Message-ID: <p${n}@test>\r\nContent-Type: multipart/mixed; boundary="b"\r\n\r\n${body}--b--\r\n`, 'utf8');
          assert.equal((await appendAndRead(store, mailboxId, bytes)).text, analyzeMessage(bytes).bodyText);
        }),
        { numRuns: 40 },
      );
    }));

  test('an analyzer without bodyText (the store tests\' fake) is run again on the file', () =>
    withStore(fakeAnalyze, async (store, mailboxId, dir) => {
      const bytes = Buffer.from(`Subject: fake\r\n\r\n${prose(40 * 1024)}`);
      const { blobId, text } = await appendAndRead(store, mailboxId, bytes);
      assert.equal(row(dir, blobId).body_text_in_file, 1);
      assert.equal(text, fakeAnalyze(bytes).bodyText);
    }));

  test('appendMessages (a batch) stores the same way', () =>
    withStore(analyzeMessage, async (store, mailboxId, dir) => {
      const [big, small] = [CASES[0]?.[1], Buffer.from(`${HEAD}\r\nsmall\r\n`)];
      assert.ok(big);
      await store.appendMessages(mailboxId, [{ bytes: big, flags: [] }, { bytes: small, flags: [] }]);
      const [one, two] = await store.listMessages(mailboxId);
      assert.ok(one && two);
      assert.equal(row(dir, one.blobId).body_text_in_file, 1);
      assert.deepEqual(row(dir, two.blobId), { body_text: 'small\r\n\n', body_text_in_file: 0 });
      assert.equal(await store.getBodyText(one.blobId), analyzeMessage(big).bodyText);
    }));

  test('SEARCH BODY finds a word near the end of a 200 KB message, and in a small one', () =>
    withStore(analyzeMessage, async (store, mailboxId) => {
      const big = CASES[0]?.[1];
      assert.ok(big);
      await store.appendMessage(mailboxId, { bytes: big, flags: [] });
      await store.appendMessage(mailboxId, { bytes: Buffer.from(`${HEAD}\r\na small zebrafinch too\r\n`), flags: [] });
      await store.appendMessage(mailboxId, { bytes: Buffer.from(`${HEAD}\r\nnothing here\r\n`), flags: [] });
      const messages = (await store.listMessages(mailboxId)).map((meta, i) => ({ msn: i + 1, meta, recent: false }));
      const search = (value: string): Promise<number[]> =>
        searchMessages(
          { kind: 'body', value },
          { messages, savedResult: null, now: Date.now(), loadSummaries: (uids) => store.getSummaries(mailboxId, uids), loadBodyText: (meta) => store.getBodyText(meta.blobId) },
        );
      assert.deepEqual(await search('ZebraFinch'), [1, 2]);
      assert.deepEqual(await search('last word is zebra'), [1]);
      assert.deepEqual(await search('platypus'), []);
    }));

  test('a missing file rejects NONEXISTENT, as a missing row does', () =>
    withStore(analyzeMessage, async (store, mailboxId) => {
      const big = CASES[0]?.[1];
      assert.ok(big);
      const { blobId } = await appendAndRead(store, mailboxId, big);
      rmSync(store.blobs.pathFor(blobId));
      await assert.rejects(store.getBodyText(blobId), (err) => err instanceof StoreError && err.code === 'NONEXISTENT');
      await assert.rejects(store.getBodyText('0'.repeat(64)), (err) => err instanceof StoreError && err.code === 'NONEXISTENT');
    }));

  test('migration 13: rows from before keep their text; the step can run twice', () =>
    withStore(analyzeMessage, async (store, mailboxId, dir) => {
      const big = CASES[0]?.[1];
      assert.ok(big);
      // A long text stored in the row, as before schema 13, and the schema taken back to 12.
      const { blobId } = await appendAndRead(store, mailboxId, big);
      const expected = analyzeMessage(big).bodyText;
      await store.close();
      const db = new Database(join(dir, DATABASE_FILE));
      db.prepare('UPDATE blobs SET body_text = ? WHERE id = ?').run(expected, blobId);
      db.exec('ALTER TABLE blobs DROP COLUMN body_text_in_file; PRAGMA user_version = 12');
      db.close();
      for (let replay = 0; replay < 2; replay++) {
        const reopened = await openSqliteStore({ dataDir: dir, analyze: analyzeMessage, fsync: false });
        assert.deepEqual(row(dir, blobId), { body_text: expected, body_text_in_file: 0 });
        assert.equal(await reopened.getBodyText(blobId), expected);
        await reopened.close();
        const again = new Database(join(dir, DATABASE_FILE));
        again.exec('PRAGMA user_version = 12'); // the column exists now: the step must not add it twice
        again.close();
      }
      // withStore closes its store again: harmless (close twice is fine).
    }));
});
