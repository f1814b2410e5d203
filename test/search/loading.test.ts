// SEARCH reads summaries and body texts only when a key needs them, and only for the messages that
// cheap keys have not already decided.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { SearchKey } from '../../src/imap/wire/ast.js';
import { searchMessages, type SearchMessage } from '../../src/search/index.js';
import { context } from './fixtures.js';

const body = (value: string): SearchKey => ({ kind: 'body', value });

test('metadata-only keys load nothing', async () => {
  const ctx = context();
  await searchMessages({ kind: 'and', keys: [{ kind: 'flag', flag: '\\Seen', set: true }, { kind: 'larger', size: 10 }] }, ctx);
  assert.deepEqual(ctx.summaryCalls, []);
  assert.deepEqual(ctx.bodyCalls, []);
});

test('no body or summary is loaded when a cheap key already excludes everything', async () => {
  const ctx = context();
  const key: SearchKey = { kind: 'and', keys: [{ kind: 'larger', size: 99999 }, body('fox'), { kind: 'header', field: 'subject', value: 'x' }] };
  assert.deepEqual(await searchMessages(key, ctx), []);
  assert.deepEqual(ctx.summaryCalls, []);
  assert.deepEqual(ctx.bodyCalls, []);
});

test('bodies are loaded only for the remaining candidates', async () => {
  const ctx = context();
  assert.deepEqual(await searchMessages({ kind: 'and', keys: [body('fox'), { kind: 'seq', set: { kind: 'set', ranges: [{ start: 1, end: 2 }] } }] }, ctx), [10]);
  assert.deepEqual(ctx.bodyCalls.sort(), [10, 20]);
  assert.deepEqual(ctx.summaryCalls, [], 'BODY alone needs no summary');
});

test('OR decided by a cheap key skips the body of that message', async () => {
  const ctx = context();
  assert.deepEqual(await searchMessages({ kind: 'or', left: { kind: 'flag', flag: '\\Seen', set: true }, right: body('lazy') }, ctx), [10, 20, 45]);
  assert.deepEqual(ctx.bodyCalls.sort(), [20, 30]);
});

test('summaries are loaded in one batch for the undecided messages only', async () => {
  const ctx = context();
  const key: SearchKey = { kind: 'and', keys: [{ kind: 'flag', flag: '\\Seen', set: false }, { kind: 'header', field: 'from', value: 'bob' }] };
  assert.deepEqual(await searchMessages(key, ctx), [20]);
  assert.deepEqual(ctx.summaryCalls, [[20, 30]]);
});

test('TEXT found in the header does not load the body', async () => {
  const ctx = context();
  assert.deepEqual(await searchMessages({ kind: 'text', value: 'alice' }, ctx), [10]);
  assert.deepEqual(ctx.bodyCalls.sort(), [20, 30, 45]);
});

test('a header key decided by the header never loads a body', async () => {
  const ctx = context();
  const key: SearchKey = { kind: 'and', keys: [{ kind: 'header', field: 'subject', value: 'nomatch' }, body('fox')] };
  assert.deepEqual(await searchMessages(key, ctx), []);
  assert.deepEqual(ctx.bodyCalls, []);
});

test('SENT* read the sent dates when the store has them, not the summaries', async () => {
  const ctx = context();
  const sentCalls: number[][] = [];
  const withDates = {
    ...ctx,
    async loadSentDates(uids: readonly number[]) {
      sentCalls.push([...uids]);
      const all = await ctx.loadSummaries(uids);
      ctx.summaryCalls.length = 0;
      return new Map([...all].map(([uid, s]) => [uid, s.sentDate] as const));
    },
  };
  const key: SearchKey = { kind: 'and', keys: [{ kind: 'senton', date: '2024-01-02' }, { kind: 'flag', flag: '\\Seen', set: false }] };
  assert.deepEqual(await searchMessages(key, withDates), [20]);
  assert.deepEqual(sentCalls, [[20, 30]]);
  assert.deepEqual(ctx.summaryCalls, []);
});

test('a walk over the messages finds what the array finds, with `*` and loads alike', async () => {
  const keys: SearchKey[] = [
    { kind: 'flag', flag: '\\Seen', set: true },
    { kind: 'or', left: { kind: 'flag', flag: '\\Seen', set: true }, right: body('lazy') },
    { kind: 'and', keys: [{ kind: 'header', field: 'subject', value: 'e' }, { kind: 'uid', set: { kind: 'set', ranges: [{ start: '*', end: '*' }] } }] },
    { kind: 'seq', set: { kind: 'set', ranges: [{ start: 2, end: '*' }] } },
    { kind: 'new' },
  ];
  for (const key of keys) {
    const withArray = context();
    const walked = context();
    const list = walked.messages as readonly SearchMessage[];
    const found = await searchMessages(key, {
      ...walked,
      messages: (fn) => {
        for (const m of list) fn(m.msn, m.meta, m.recent);
      },
    });
    assert.deepEqual(found, await searchMessages(key, withArray), JSON.stringify(key));
    assert.deepEqual([walked.bodyCalls.sort(), walked.summaryCalls], [withArray.bodyCalls.sort(), withArray.summaryCalls], JSON.stringify(key));
  }
});
