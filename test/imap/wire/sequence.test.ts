import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  expandIntervals,
  formatSequenceSet,
  formatUidSet,
  intervalsContain,
  parseSequenceSetText,
  resolveSequenceSet,
  selectFromSorted,
  sequenceSetExceeds,
} from '../../../src/imap/wire/sequence.js';
import { ParseError } from '../../../src/imap/wire/errors.js';

const s = parseSequenceSetText;

test('resolve: stars, reversed ranges, overlaps, clipping', () => {
  assert.deepEqual(resolveSequenceSet(s('1:3,7,9:*'), 10), [[1, 3], [7, 7], [9, 10]]);
  assert.deepEqual(resolveSequenceSet(s('4:2'), 10), [[2, 4]]);
  assert.deepEqual(resolveSequenceSet(s('*:4'), 10), [[4, 10]]);
  assert.deepEqual(resolveSequenceSet(s('5,1:3,2:6,8'), 10), [[1, 6], [8, 8]]);
  assert.deepEqual(resolveSequenceSet(s('1:4294967295'), 3), [[1, 3]]);
  assert.deepEqual(resolveSequenceSet(s('20:*'), 3), [[3, 3]]); // RFC 9051 §9: "*" is 3 here, range 3:20
  assert.deepEqual(resolveSequenceSet(s('20:30'), 3), []);
  assert.deepEqual(resolveSequenceSet(s('*'), 0), []);
  assert.throws(() => resolveSequenceSet({ kind: 'saved' }, 5));
});

test('helpers: exceeds, expand, contains, select from sorted UIDs', () => {
  assert.equal(sequenceSetExceeds(s('1:5'), 4), true);
  assert.equal(sequenceSetExceeds(s('1:*'), 4), false);
  assert.deepEqual(expandIntervals(resolveSequenceSet(s('2:4,8'), 9)), [2, 3, 4, 8]);
  const iv = resolveSequenceSet(s('1:3,7,9:10'), 20);
  assert.deepEqual([0, 1, 3, 4, 7, 8, 10, 11].map((n) => intervalsContain(iv, n)), [false, true, true, false, true, false, true, false]);
  const uids = Uint32Array.from([3, 5, 9, 100, 4000000000]);
  assert.deepEqual(selectFromSorted(s('1:4,6:*'), uids), [3, 9, 100, 4000000000]);
  assert.deepEqual(selectFromSorted(s('*'), uids), [4000000000]);
  assert.deepEqual(selectFromSorted(s('1:4294967295'), uids), [3, 5, 9, 100, 4000000000]);
  assert.deepEqual(selectFromSorted(s('1'), []), []);
});

test('formatUidSet compacts runs in the given order', () => {
  assert.equal(formatUidSet([1, 2, 3, 7, 9, 10]), '1:3,7,9:10');
  assert.equal(formatUidSet([]), '');
  assert.equal(formatUidSet([5]), '5');
  assert.equal(formatUidSet([10, 11, 3, 4]), '10:11,3:4');
});

test('text forms', () => {
  assert.equal(formatSequenceSet(s('1:3,*,4:*')), '1:3,*,4:*');
  assert.equal(formatSequenceSet(s('$')), '$');
  assert.throws(() => s('1:'), ParseError);
  assert.throws(() => s('0'), ParseError);
  assert.throws(() => s('1,2 '), ParseError);
});
