// The one-pass header scan of the SQLite store (message-search.ts, src/search/header-scan.ts) gives
// exactly the SEARCH results of the per-message paths (header text in batches; summaries alone),
// over the MIME corpus and generated headers (encoded words, non-ASCII, case folding), combined with
// other keys and with a view that is not the whole mailbox; and its triggers keep the per-message
// copy equal to blobs.search_headers through copy, move, expunge, rename and delete.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import Database from 'better-sqlite3';
import fc from 'fast-check';
import type { SearchKey } from '../../src/imap/wire/ast.js';
import { analyzeMessage } from '../../src/mime/analyze.js';
import { searchMessages, type SearchContext, type SearchMessage } from '../../src/search/index.js';
import { openSqliteStore, type SqliteStore } from '../../src/store/sqlite/index.js';
import { DATABASE_FILE } from '../../src/store/sqlite/sqlite-store.js';

const CORPUS = join(process.cwd(), 'test', 'fixtures', 'mail');

/** Headers the corpus lacks: encoded words in several charsets, folding pairs, a line break inside
 *  a decoded value (stored without header text: the NULL path), Kelvin sign, ligatures, combining marks. */
const GENERATED: readonly string[] = [
  'From: =?UTF-8?Q?J=C3=B6rg_Stra=C3=9Fe?= <joerg@example.de>\r\nTo: =?ISO-8859-1?Q?Fran=E7ois?= <f@example.fr>\r\nSubject: =?UTF-8?B?zqPOmc6jzqXOps6fzqM=?=\r\n',
  'From: STRASSE <strasse@EXAMPLE.com>\r\nCc: \u212Aelvin <k@example.com>\r\nSubject: \uFB01ne caf\u0065\u0301 \u00C9T\u00C9\r\n',
  'From: user7@example.com\r\nBcc: Secret <bcc@example.net>\r\nSubject: =?UTF-8?Q?line=0Abreak?=\r\nX-Tag: \u0130stanbul \u03C2\u03C3\u03A3\r\n',
  'From: Sender 70 <user70@example.com>\r\nTo: user7@example.com\r\nSubject: fwd: user7@example.com\r\nHEADER-X: value: with colon\r\n',
  'From: nobody\r\nSubject:\r\nX-Empty:\r\nComments: =?utf-8?q?=E6=9D=B1=E4=BA=AC?= and =?gb2312?B?1tDOxA==?=\r\n',
];

function corpus(): Buffer[] {
  const files = readdirSync(CORPUS).filter((f) => f.endsWith('.eml')).sort();
  const mails = files.map((f) => readFileSync(join(CORPUS, f)));
  for (const head of GENERATED) mails.push(Buffer.from(`${head}Date: Mon, 1 Jan 2024 10:00:00 +0000\r\n\r\nbody of a generated message\r\n`, 'utf8'));
  return mails;
}

async function withStore(fn: (store: SqliteStore, dir: string) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'postkeep-msearch-'));
  const store = await openSqliteStore({ dataDir: dir, analyze: analyzeMessage, fsync: false });
  try {
    await fn(store, dir);
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Three contexts over one view: summaries only, header text in batches, and the one-pass scan. */
function contexts(store: SqliteStore, mailboxId: number, messages: readonly SearchMessage[]): SearchContext[] {
  const summaries: SearchContext = {
    messages,
    savedResult: null,
    now: Date.parse('2026-01-01T00:00:00Z'),
    loadSummaries: (uids) => store.getSummaries(mailboxId, uids),
    loadBodyText: (meta) => store.getBodyText(meta.blobId),
  };
  const batches: SearchContext = { ...summaries, loadHeaderText: (uids) => store.getSearchHeaderText(mailboxId, uids) };
  const scan: SearchContext = {
    ...batches,
    scanHeaderText: (needles, a, b) => {
      scans.count++;
      return store.scanSearchHeaders(mailboxId, needles, a, b);
    },
  };
  return [summaries, batches, scan];
}

/** How many scans ran, so that a test can see the scan path was taken. */
const scans = { count: 0 };

async function assertSameResults(ctxs: readonly SearchContext[], key: SearchKey): Promise<number[]> {
  const [reference, ...others] = await Promise.all(ctxs.map((c) => searchMessages(key, c)));
  for (const other of others) assert.deepEqual(other, reference, JSON.stringify(key));
  return reference ?? [];
}

/** Search strings: pieces of the real decoded values, changed in case and normalization, plus
 *  strings that fold in surprising ways. */
async function needlePool(store: SqliteStore, mailboxId: number, uids: readonly number[]): Promise<{ fields: string[]; needles: string[] }> {
  const fields = new Set(['from', 'to', 'cc', 'bcc', 'subject', 'x-missing']);
  const needles = new Set(['', ' ', '@', 'example', 'user7@example.com', 'ß', 'SS', 'ss', 'σ', 'Σ', 'ς', 'é', 'É', 'e\u0301', 'ﬁ', 'FI', '\u212A', 'k', 'i̇', 'İ', '東京', ': ', 'from: ', '\n', 'a\nb', 'line\nbreak', '\uFFFD']);
  const summaries = await store.getSummaries(mailboxId, uids);
  for (const summary of summaries.values()) {
    for (const [name, value] of summary.headers) {
      fields.add(name);
      const chars = [...value];
      for (const [from, len] of [[0, 3], [1, 5], [Math.floor(chars.length / 2), 4], [Math.max(0, chars.length - 6), 6]] as const) {
        const piece = chars.slice(from, from + len).join('');
        needles.add(piece).add(piece.toUpperCase()).add(piece.toLowerCase()).add(piece.normalize('NFD'));
      }
    }
  }
  return { fields: [...fields], needles: [...needles] };
}

function keyArbitrary(fields: readonly string[], needles: readonly string[], uids: readonly number[]): fc.Arbitrary<SearchKey> {
  const field = fc.constantFrom(...fields);
  const needle = fc.oneof(fc.constantFrom(...needles), fc.string({ maxLength: 4 }));
  const headerKey = fc.record({ kind: fc.constant('header' as const), field, value: needle });
  const textKey = fc.record({ kind: fc.constant('text' as const), value: needle });
  const uidSet = fc.subarray([...uids], { minLength: 1 }).map((list): SearchKey => ({ kind: 'uid', set: { kind: 'set', ranges: list.map((u) => ({ start: u, end: u })) } }));
  const flag: fc.Arbitrary<SearchKey> = fc.record({ kind: fc.constant('flag' as const), flag: fc.constantFrom('\\Seen', '\\Flagged'), set: fc.boolean() });
  const { key } = fc.letrec<{ key: SearchKey }>((tie) => ({
    key: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      headerKey,
      headerKey,
      textKey,
      flag,
      uidSet,
      fc.record({ kind: fc.constant('not' as const), key: tie('key') }),
      fc.record({ kind: fc.constant('or' as const), left: tie('key'), right: tie('key') }),
      fc.record({ kind: fc.constant('and' as const), keys: fc.array(tie('key'), { minLength: 1, maxLength: 3 }) }),
    ),
  }));
  return key;
}

describe('sqlite header scan', () => {
  test('gives the per-message results for every header key over the MIME corpus', async () => {
    await withStore(async (store) => {
      const account = await store.createAccount('scan', 'h');
      const box = await store.getMailbox(account.id, 'INBOX');
      assert.ok(box);
      const mails = corpus();
      // Twice, so that contents are shared by two messages (one blob row, two message rows).
      for (const [i, bytes] of [...mails, ...mails].entries()) await store.appendMessage(box.id, { bytes, flags: i % 3 === 0 ? ['\\Seen'] : [] });
      await store.expunge(box.id, [2]);
      const metas = await store.listMessages(box.id);
      const uids = metas.map((m) => m.uid);
      const { fields, needles } = await needlePool(store, box.id, uids);
      const view = metas.map((meta, i) => ({ msn: i + 1, meta, recent: false }));
      const ctxs = contexts(store, box.id, view);
      assert.deepEqual(await assertSameResults(ctxs, { kind: 'header', field: 'from', value: 'USER7@example.COM' }), [mails.length - 2, 2 * mails.length - 2]);
      scans.count = 0;
      for (const f of fields) for (const n of needles) await assertSameResults(ctxs, { kind: 'header', field: f, value: n });
      assert.equal(scans.count, fields.length * needles.length);
      for (const n of needles) await assertSameResults(ctxs, { kind: 'text', value: n });
      await fc.assert(fc.asyncProperty(keyArbitrary(fields, needles, uids), async (key) => void (await assertSameResults(ctxs, key))), { numRuns: 300 });
    });
  });

  test('judges the same over a partial view, an expunged message still in view and NULL header text', async () => {
    await withStore(async (store, dir) => {
      const account = await store.createAccount('view', 'h');
      const box = await store.getMailbox(account.id, 'INBOX');
      assert.ok(box);
      for (const bytes of corpus()) await store.appendMessage(box.id, { bytes, flags: [] });
      const before = await store.listMessages(box.id);
      // Another session expunged UID 3; this view still shows it (RFC 9051 §7.5.1) and not UID 1.
      await store.expunge(box.id, [3]);
      const db = new Database(join(dir, DATABASE_FILE));
      db.exec(`UPDATE blobs SET search_headers = NULL WHERE id IN (SELECT blob_id FROM messages WHERE uid % 4 = 0)`);
      assert.equal(db.prepare('SELECT count(*) FROM message_search WHERE headers IS NULL').pluck().get(), db.prepare('SELECT count(*) FROM messages m JOIN blobs b ON b.id = m.blob_id WHERE b.search_headers IS NULL').pluck().get());
      db.close();
      const view = before.slice(1).map((meta, i) => ({ msn: i + 1, meta, recent: i % 2 === 0 }));
      const uids = view.map((m) => m.meta.uid);
      const { fields, needles } = await needlePool(store, box.id, uids);
      const ctxs = contexts(store, box.id, view);
      assert.ok((await assertSameResults(ctxs, { kind: 'header', field: 'subject', value: '' })).length > 0);
      await fc.assert(fc.asyncProperty(keyArbitrary(fields, needles, uids), async (key) => void (await assertSameResults(ctxs, key))), { numRuns: 200 });
    });
  });

  test('triggers keep one row per message equal to its content header text', async () => {
    await withStore(async (store, dir) => {
      const account = await store.createAccount('trig', 'h');
      const inbox = await store.getMailbox(account.id, 'INBOX');
      assert.ok(inbox);
      const other = await store.createMailbox(account.id, 'Other');
      for (const bytes of corpus().slice(0, 12)) await store.appendMessage(inbox.id, { bytes, flags: [] });
      await store.copyMessages(inbox.id, [1, 2, 3], other.id);
      await store.moveMessages(inbox.id, [4, 5], other.id);
      await store.expunge(inbox.id, [6]);
      await store.renameMailbox(account.id, 'INBOX', 'Old mail');
      const gone = await store.createMailbox(account.id, 'Gone');
      await store.copyMessages(other.id, [1], gone.id);
      await store.deleteMailbox(account.id, 'Gone');
      const db = new Database(join(dir, DATABASE_FILE), { readonly: true });
      const expected = db.prepare('SELECT m.mailbox_id, m.uid, b.search_headers FROM messages m JOIN blobs b ON b.id = m.blob_id ORDER BY 1, 2').raw(true).all();
      const actual = db.prepare('SELECT mailbox_id, uid, headers FROM message_search ORDER BY 1, 2').raw(true).all();
      db.close();
      assert.ok(expected.length > 10);
      assert.deepEqual(actual, expected);
    });
  });

  test('migration 10 fills the table for messages stored before it existed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'postkeep-msearch-'));
    try {
      let store = await openSqliteStore({ dataDir: dir, analyze: analyzeMessage, fsync: false });
      const account = await store.createAccount('old10', 'h');
      const box = await store.getMailbox(account.id, 'INBOX');
      assert.ok(box);
      for (const bytes of corpus().slice(0, 5)) await store.appendMessage(box.id, { bytes, flags: [] });
      await store.close();
      const db = new Database(join(dir, DATABASE_FILE));
      db.exec(`DROP TRIGGER message_search_added; DROP TRIGGER message_search_removed; DROP TRIGGER message_search_moved;
        DROP TRIGGER message_search_refolded; DROP TABLE message_search; PRAGMA user_version = 9;`);
      db.close();
      store = await openSqliteStore({ dataDir: dir, analyze: analyzeMessage, fsync: false });
      const found = await store.scanSearchHeaders(box.id, ['subject: '], 1, 5);
      assert.deepEqual([...found.keys()].sort((a, b) => a - b), [1, 2, 3, 4, 5]);
      await store.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
