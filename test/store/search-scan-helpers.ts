// Shared by the header-scan tests of both stores: the MIME corpus plus generated headers, SEARCH
// contexts over one view by the three paths (summaries only, header text in batches, one scan), and
// search keys drawn by fast-check from the strings the messages really hold.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import type { SearchKey } from '../../src/imap/wire/ast.js';
import type { MessageSummary } from '../../src/mime/types.js';
import type { MessageMeta, Store } from '../../src/store/types.js';
import { searchMessages, type SearchContext, type SearchMessage } from '../../src/search/index.js';

/** What both stores offer SEARCH (the last three outside the Store interface). */
export interface HeaderSearchStore {
  getSummaries(mailboxId: number, uids: readonly number[]): Promise<Map<number, MessageSummary>>;
  getBodyText(blobId: string): Promise<string>;
  getSearchHeaderText(mailboxId: number, uids: readonly number[]): Promise<Map<number, string | null>>;
  scanSearchHeaders(mailboxId: number, needles: readonly string[], firstUid: number, lastUid: number): Promise<Map<number, string | null>>;
  getSentDates(mailboxId: number, uids: readonly number[]): Promise<Map<number, MessageSummary['sentDate']>>;
}

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

export function corpus(): Buffer[] {
  const files = readdirSync(CORPUS).filter((f) => f.endsWith('.eml')).sort();
  const mails = files.map((f) => readFileSync(join(CORPUS, f)));
  for (const head of GENERATED) mails.push(Buffer.from(`${head}Date: Mon, 1 Jan 2024 10:00:00 +0000\r\n\r\nbody of a generated message\r\n`, 'utf8'));
  return mails;
}

/** Three contexts over one view: summaries only, header text in batches, and the one-pass scan. */
/** The corpus appended twice (contents shared by two messages: one blob row, two message rows),
 *  every third message \Seen, UID 2 expunged; what both stores' scan tests start from. */
export async function seedCorpusTwice(store: Store, mailboxId: number): Promise<{ mails: Buffer[]; metas: MessageMeta[]; uids: number[] }> {
  const mails = corpus();
  for (const [i, bytes] of [...mails, ...mails].entries()) await store.appendMessage(mailboxId, { bytes, flags: i % 3 === 0 ? ['\\Seen'] : [] });
  await store.expunge(mailboxId, [2]);
  const metas = await store.listMessages(mailboxId);
  return { mails, metas, uids: metas.map((m) => m.uid) };
}

export function contexts(store: HeaderSearchStore, mailboxId: number, messages: readonly SearchMessage[]): SearchContext[] {
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
  const sentDates: SearchContext = { ...scan, loadSentDates: (uids) => store.getSentDates(mailboxId, uids) };
  return [summaries, batches, scan, sentDates];
}

/** How many scans ran, so that a test can see the scan path was taken. */
export const scans = { count: 0 };

export async function assertSameResults(ctxs: readonly SearchContext[], key: SearchKey): Promise<number[]> {
  const [reference, ...others] = await Promise.all(ctxs.map((c) => searchMessages(key, c)));
  for (const other of others) assert.deepEqual(other, reference, JSON.stringify(key));
  return reference ?? [];
}

/** Search strings: pieces of the real decoded values, changed in case and normalization, plus
 *  strings that fold in surprising ways. */
export async function needlePool(store: HeaderSearchStore, mailboxId: number, uids: readonly number[]): Promise<{ fields: string[]; needles: string[]; dates: string[] }> {
  const dates = new Set(['1970-01-01', '2023-12-31', '2024-01-01', '2024-01-02', '2030-01-01']);
  const fields = new Set(['from', 'to', 'cc', 'bcc', 'subject', 'x-missing']);
  const needles = new Set(['', ' ', '@', 'example', 'user7@example.com', 'ß', 'SS', 'ss', 'σ', 'Σ', 'ς', 'é', 'É', 'e\u0301', 'ﬁ', 'FI', '\u212A', 'k', 'i̇', 'İ', '東京', ': ', 'from: ', '\n', 'a\nb', 'line\nbreak', '\uFFFD']);
  const summaries = await store.getSummaries(mailboxId, uids);
  for (const summary of summaries.values()) {
    // The Date: header's day in its own offset, the UTC day, and the days either side.
    const sent = summary.sentDate;
    if (sent !== null) {
      for (const ms of [sent.ms, sent.ms + sent.offsetMinutes * 60_000]) {
        for (const day of [-1, 0, 1]) dates.add(new Date(ms + day * 86_400_000).toISOString().slice(0, 10));
      }
    }
    for (const [name, value] of summary.headers) {
      fields.add(name);
      const chars = [...value];
      for (const [from, len] of [[0, 3], [1, 5], [Math.floor(chars.length / 2), 4], [Math.max(0, chars.length - 6), 6]] as const) {
        const piece = chars.slice(from, from + len).join('');
        needles.add(piece).add(piece.toUpperCase()).add(piece.toLowerCase()).add(piece.normalize('NFD'));
      }
    }
  }
  return { fields: [...fields], needles: [...needles], dates: [...dates] };
}

export function keyArbitrary(fields: readonly string[], needles: readonly string[], uids: readonly number[], dates: readonly string[] = ['2024-01-01']): fc.Arbitrary<SearchKey> {
  const sentKey: fc.Arbitrary<SearchKey> = fc.record({ kind: fc.constantFrom('sentbefore' as const, 'senton' as const, 'sentsince' as const), date: fc.constantFrom(...dates) });
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
      sentKey,
      flag,
      uidSet,
      fc.record({ kind: fc.constant('not' as const), key: tie('key') }),
      fc.record({ kind: fc.constant('or' as const), left: tie('key'), right: tie('key') }),
      fc.record({ kind: fc.constant('and' as const), keys: fc.array(tie('key'), { minLength: 1, maxLength: 3 }) }),
    ),
  }));
  return key;
}
