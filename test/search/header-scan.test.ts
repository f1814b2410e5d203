// Which strings the header scan looks for, and when it is not used (src/search/header-scan.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { SearchKey } from '../../src/imap/wire/ast.js';
import { headerNeedles } from '../../src/search/header-scan.js';
import { searchMessages, type SearchContext, type SearchMessage } from '../../src/search/index.js';
import { context, messages } from './fixtures.js';

const header = (field: string, value: string): SearchKey => ({ kind: 'header', field, value });

test('needles: folded values of every header and TEXT key, "name: " for an empty value, none for TEXT ""', () => {
  const key: SearchKey = {
    kind: 'and',
    keys: [
      { kind: 'not', key: header('From', 'STRAßE') },
      { kind: 'or', left: header('X-Spam', ''), right: { kind: 'text', value: '' } },
      { kind: 'text', value: 'Σ' },
      { kind: 'flag', flag: '\\Seen', set: true },
      header('to', 'strasse'),
    ],
  };
  assert.deepEqual(headerNeedles(key), ['strasse', 'x-spam: ', 'σ']);
});

test('needles: none possible for a lone surrogate or too many keys', () => {
  assert.equal(headerNeedles(header('subject', 'a\uD800b')), null);
  assert.deepEqual(headerNeedles(header('subject', '\uD83D\uDE00')), ['\uD83D\uDE00']);
  const many: SearchKey = { kind: 'and', keys: Array.from({ length: 33 }, (_, i) => header('subject', `s${i}`)) };
  assert.equal(headerNeedles(many), null);
});

/** 40 messages, UIDs 1..40; From "bob" in 5 and 7; the store keeps no header text for 7. */
function scanContext() {
  const calls = { scans: [] as Array<[number, number]>, texts: [] as number[][], summaries: [] as number[][] };
  const base = context();
  const view = Array.from({ length: 40 }, (_, i) => {
    const template = messages[0];
    assert.ok(template);
    return { msn: i + 1, meta: { ...template.meta, uid: i + 1 }, recent: false };
  });
  const text = (uid: number): string => (uid === 5 || uid === 7 ? 'from: bob\n' : 'from: alice\n');
  const ctx: SearchContext = {
    ...base,
    messages: view,
    async loadSummaries(uids) {
      calls.summaries.push([...uids]);
      return new Map();
    },
    async loadHeaderText(uids) {
      calls.texts.push([...uids]);
      return new Map(uids.map((u) => [u, text(u)] as const));
    },
    async scanHeaderText(needles, first, last) {
      calls.scans.push([first, last]);
      const out = new Map<number, string | null>();
      for (let uid = first; uid <= last; uid++) {
        if (uid === 7) out.set(uid, null);
        else if (needles.some((n) => text(uid).includes(n))) out.set(uid, text(uid));
      }
      return out;
    },
  };
  return { ctx, calls };
}

test('a dense search scans once and loads per UID only what the store keeps no text for', async () => {
  const { ctx, calls } = scanContext();
  assert.deepEqual(await searchMessages(header('FROM', 'BOB'), ctx), [5, 7]);
  assert.deepEqual(calls.scans, [[1, 40]]);
  assert.deepEqual(calls.texts, [[7]]);
  assert.deepEqual(calls.summaries, []);
});

test('a few candidates in a wide UID range are loaded per UID, not scanned', async () => {
  const { ctx, calls } = scanContext();
  const key: SearchKey = { kind: 'and', keys: [{ kind: 'uid', set: { kind: 'set', ranges: [{ start: 1, end: 1 }, { start: 5, end: 5 }, { start: 40, end: 40 }] } }, header('from', 'bob')] };
  assert.deepEqual(await searchMessages(key, ctx), [5]);
  assert.deepEqual(calls.scans, []);
  assert.deepEqual(calls.texts, [[1, 5, 40]]);
});

test('a search narrowed to a few messages far apart (a UID set, DELETED) is not scanned: the scan reads every message between them', async () => {
  const { ctx, calls } = scanContext();
  const few = (ctx.messages as readonly SearchMessage[]).filter((m) => [1, 5, 40].includes(m.meta.uid));
  const narrowed: SearchContext = { ...ctx, messages: few, countInUidRange: (first, last) => last - first + 1 };
  assert.deepEqual(await searchMessages(header('from', 'bob'), narrowed), [5]);
  assert.deepEqual(calls.scans, []);
  assert.deepEqual(calls.texts, [[1, 5, 40]]);
});
