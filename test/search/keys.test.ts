// Every SEARCH key kind over the fixture table (RFC 9051 §6.4.4, RFC 3501 §6.4.4, RFC 5032, RFC 7162).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { SearchKey, SeqRange } from '../../src/imap/wire/ast.js';
import { searchMessages } from '../../src/search/index.js';
import { context } from './fixtures.js';
import { searchHeaderText } from '../../src/store/sqlite/search-headers.js';

const set = (...ranges: Array<[number | '*', number | '*']>) => ({
  kind: 'set' as const,
  ranges: ranges.map(([start, end]): SeqRange => ({ start, end })),
});
const seq = (...r: Array<[number | '*', number | '*']>): SearchKey => ({ kind: 'seq', set: set(...r) });
const uid = (...r: Array<[number | '*', number | '*']>): SearchKey => ({ kind: 'uid', set: set(...r) });
const flag = (f: string, on = true): SearchKey => ({ kind: 'flag', flag: f, set: on });
const header = (field: string, value: string): SearchKey => ({ kind: 'header', field, value });
const and = (...keys: SearchKey[]): SearchKey => ({ kind: 'and', keys });
const or = (left: SearchKey, right: SearchKey): SearchKey => ({ kind: 'or', left, right });
const not = (key: SearchKey): SearchKey => ({ kind: 'not', key });

const table: Array<[string, SearchKey, number[]]> = [
  ['ALL', { kind: 'all' }, [10, 20, 30, 45]],
  ['2:*', seq([2, '*']), [20, 30, 45]],
  ['*:3 (reversed range)', seq(['*', 3]), [30, 45]],
  ['*', seq(['*', '*']), [45]],
  ['1,3', seq([1, 1], [3, 3]), [10, 30]],
  ['msn beyond the view', seq([9, 9]), []],
  ['overlapping ranges', seq([1, 2], [2, 3], [4, 4]), [10, 20, 30, 45]],
  ['UID 25:*', uid([25, '*']), [30, 45]],
  ['UID 100:* still includes the highest UID', uid([100, '*']), [45]],
  ['UID 10:20', uid([10, 20]), [10, 20]],
  ['UID 1,30', uid([1, 1], [30, 30]), [30]],
  ['SEEN (flag case-insensitive)', flag('\\SEEN'), [10, 45]],
  ['UNSEEN', flag('\\Seen', false), [20, 30]],
  ['KEYWORD $work', flag('$work'), [20]],
  ['UNKEYWORD $Work', flag('$Work', false), [10, 30, 45]],
  ['ANSWERED', flag('\\Answered'), [30]],
  ['DELETED', flag('\\Deleted'), [30]],
  ['DRAFT', flag('\\Draft'), [45]],
  ['RECENT', flag('\\Recent'), [20, 30]],
  ['UNRECENT', flag('\\Recent', false), [10, 45]],
  ['NEW', { kind: 'new' }, [20, 30]],
  ['OLD', { kind: 'old' }, [10, 45]],
  ['SUBJECT hello', header('SUBJECT', 'hello'), [10, 45]],
  ['SUBJECT on decoded words, ß folded to SS', header('subject', 'GRÜSSE'), [20]],
  ['SUBJECT köln', header('Subject', 'KÖLN'), [20]],
  ['HEADER X-Spam "" (has the field)', header('X-Spam', ''), [30]],
  ['HEADER Cc ""', header('CC', ''), [30]],
  ['HEADER X-Spam no', header('X-Spam', 'no'), []],
  ['FROM on addresses', header('FROM', 'example.com'), [10, 45]],
  ['FROM on display names', header('FROM', 'alice example'), [10]],
  ['FROM zoë (Unicode)', header('FROM', 'ZOË'), [45]],
  ['TO', header('TO', 'carol'), [20]],
  ['CC', header('CC', 'dave'), [30]],
  ['BCC (no message has one)', header('BCC', 'x'), []],
  ['BODY quick', { kind: 'body', value: 'QUICK' }, [10]],
  ['BODY straße matches STRASSE', { kind: 'body', value: 'straße' }, [20]],
  ['BODY σίσυφος (final sigma)', { kind: 'body', value: 'σίσυφος' }, [45]],
  ['BODY has no wildcards', { kind: 'body', value: 'q*k' }, []],
  ['BODY does not search headers', { kind: 'body', value: 'alice' }, []],
  ['TEXT in a header', { kind: 'text', value: 'alice' }, [10]],
  ['TEXT in a header field name', { kind: 'text', value: 'x-spam' }, [30]],
  ['TEXT in the body', { kind: 'text', value: 'lazy' }, [20]],
  ['ON 1-Jan (23:59:59Z is still 1 Jan in UTC)', { kind: 'on', date: '2024-01-01' }, [10]],
  ['ON 2-Jan (00:00:00Z)', { kind: 'on', date: '2024-01-02' }, [20]],
  ['BEFORE 2-Jan', { kind: 'before', date: '2024-01-02' }, [10]],
  ['SINCE 3-Jan', { kind: 'since', date: '2024-01-03' }, [30, 45]],
  ['SENTON 1-Jan in the header zone (-0500)', { kind: 'senton', date: '2024-01-01' }, [10]],
  ['SENTON 2-Jan in the header zone (+0200)', { kind: 'senton', date: '2024-01-02' }, [20]],
  ['SENTON falls back to INTERNALDATE without Date:', { kind: 'senton', date: '2024-01-03' }, [30]],
  ['SENTON 4-Jan', { kind: 'senton', date: '2024-01-04' }, [45]],
  ['SENTBEFORE 2-Jan', { kind: 'sentbefore', date: '2024-01-02' }, [10]],
  ['SENTSINCE 3-Jan', { kind: 'sentsince', date: '2024-01-03' }, [30, 45]],
  ['LARGER 1000 (strict)', { kind: 'larger', size: 1000 }, [20, 30]],
  ['SMALLER 1000 (strict)', { kind: 'smaller', size: 1000 }, [45]],
  ['YOUNGER 1 day (inclusive)', { kind: 'younger', seconds: 86400 }, [45]],
  ['OLDER 1 day (inclusive)', { kind: 'older', seconds: 86400 }, [10, 20, 30, 45]],
  ['OLDER 1 day + 1 s', { kind: 'older', seconds: 86401 }, [10, 20, 30]],
  ['MODSEQ 10 (>=)', { kind: 'modseq', modseq: 10 }, [20, 30, 45]],
  ['OR SEEN FLAGGED', or(flag('\\Seen'), flag('\\Flagged')), [10, 20, 45]],
  ['NOT (OR SEEN DELETED)', not(or(flag('\\Seen'), flag('\\Deleted'))), [20]],
  ['NOT 1 (OR FROM example.com HEADER X-Spam yes)', and(not(seq([1, 1])), or(header('from', 'example.com'), header('x-spam', 'yes'))), [30, 45]],
  ['OR (NOT BODY fox) (SUBJECT hello)', or(not({ kind: 'body', value: 'fox' }), header('subject', 'hello')), [10, 20, 30, 45]],
  ['NOT TEXT nothing', not({ kind: 'text', value: 'nothing' }), [10, 20, 45]],
  ['empty AND is ALL', and(), [10, 20, 30, 45]],
];

/** The same fixtures with the store's folded header text (the SQLite store's fast path). */
function withHeaderText(): ReturnType<typeof context> {
  const ctx = context();
  return {
    ...ctx,
    async loadHeaderText(uids) {
      const summaries = await context().loadSummaries(uids);
      return new Map([...summaries].map(([uid, summary]) => [uid, searchHeaderText(summary)]));
    },
  };
}

for (const [name, key, expected] of table) {
  test(`SEARCH ${name}`, async () => {
    assert.deepEqual(await searchMessages(key, context()), expected);
    assert.deepEqual(await searchMessages(key, withHeaderText()), expected, 'same answer from the header text');
  });
}

test('SEARCH $ uses the saved UIDs, as message set and as UID set (RFC 5182)', async () => {
  const ctx = context({ savedResult: [45, 20, 999] });
  assert.deepEqual(await searchMessages({ kind: 'seq', set: { kind: 'saved' } }, ctx), [20, 45]);
  assert.deepEqual(await searchMessages({ kind: 'uid', set: { kind: 'saved' } }, ctx), [20, 45]);
  assert.deepEqual(await searchMessages({ kind: 'seq', set: { kind: 'saved' } }, context({ savedResult: null })), []);
});

test('SEARCH on an empty view matches nothing and loads nothing', async () => {
  const ctx = context({ messages: [] });
  assert.deepEqual(await searchMessages(seq(['*', '*']), ctx), []);
  assert.deepEqual(await searchMessages({ kind: 'text', value: 'x' }, ctx), []);
  assert.equal(ctx.summaryCalls.length + ctx.bodyCalls.length, 0);
});
