// SORT by one numeric key through packed doubles (src/sort/packed-order.ts) gives the order the
// comparator gives: key ascending (or descending with REVERSE), ties by position (RFC 5256 §3).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { packedOrder, rankedOrder } from '../../src/sort/packed-order.js';
import { sortItems, type SortCriterion } from '../../src/sort/index.js';
import { items } from './items.js';

/** sort.ts's comparator for one key: `<` on the keys, REVERSE flips it, ties by position. */
function byComparator(keys: readonly (number | string)[], reverse: boolean): number[] {
  const flip = reverse ? -1 : 1;
  return keys
    .map((_, i) => i)
    .sort((i, j) => {
      const a = keys[i] as number | string;
      const b = keys[j] as number | string;
      return a < b ? -flip : a > b ? flip : i - j;
    });
}

describe('packedOrder', () => {
  it('orders like the comparator: random keys, many ties, REVERSE', () => {
    const keys = fc.oneof(
      fc.array(fc.integer({ min: 0, max: 20 }), { maxLength: 300 }), // sizes with many ties
      fc.array(fc.integer({ min: -1e6, max: 1e6 }), { maxLength: 300 }),
      // dates in whole seconds (packed per second) and in milliseconds, around now
      fc.array(fc.integer({ min: 1.6e9, max: 1.8e9 }).map((s) => s * 1000), { maxLength: 300 }),
      fc.array(fc.integer({ min: 1.6e12, max: 1.8e12 }), { maxLength: 300 }),
    );
    fc.assert(
      fc.property(keys, fc.boolean(), (list, reverse) => {
        const order = packedOrder(list, reverse);
        if (order !== null) assert.deepEqual(order, byComparator(list, reverse));
      }),
      { numRuns: 300 },
    );
  });

  it('packs dates in milliseconds by the second when they allow it, and keys in order as they are', () => {
    const seconds = [1_700_000_003_000, 1_700_000_001_000, 1_700_000_002_000, 1_600_000_000_000];
    assert.deepEqual(packedOrder(seconds, false), [3, 1, 2, 0]);
    assert.deepEqual(packedOrder([5, 5, 6, 9], false), [0, 1, 2, 3]);
    assert.deepEqual(packedOrder([9, 6, 5, 5], true), [0, 1, 2, 3]);
    assert.deepEqual(packedOrder([], false), []);
  });

  it('declines what it cannot pack exactly: strings, fractions, a spread too wide for the count', () => {
    assert.equal(packedOrder(['b', 'a'], false), null);
    assert.equal(packedOrder([1.5, 0], false), null);
    // 2^40 ms of spread, not whole seconds: spread x count is past 2^53
    assert.equal(packedOrder([2 ** 40 + 1, 0, ...Array.from({ length: 10_000 }, (_, i) => i)], false), null);
  });

  it('string keys by rank: the order of `<` (UTF-16 units, surrogates included), REVERSE, ties', () => {
    const few = fc.constantFrom('', 'a', 'ab', 'b', 'B', 'é', '\u{1F600}', '\uFF21', 'user7', 'user10');
    fc.assert(
      fc.property(fc.array(few, { maxLength: 400 }), fc.boolean(), (list, reverse) => {
        const order = rankedOrder(list, reverse);
        assert.notEqual(order, null); // at most 10 distinct: always ranked
        assert.deepEqual(order, byComparator(list, reverse));
      }),
      { numRuns: 300 },
    );
  });

  it('declines string keys when too many are distinct, and anything not a string', () => {
    const distinct = Array.from({ length: 1000 }, (_, i) => `subject ${i}`);
    assert.equal(rankedOrder(distinct, false), null);
    assert.equal(rankedOrder(['a', 1], false), null);
    assert.deepEqual(rankedOrder(['b', 'a', 'b'], false), [1, 0, 2]);
  });

  it('sortItems uses it and keeps mailbox order on ties, REVERSE or not', () => {
    const box = items([
      { uid: 10, size: 300 },
      { uid: 11, size: 100 },
      { uid: 12, size: 300 },
      { uid: 13, size: 100 },
    ]);
    const order = (criteria: SortCriterion[]): number[] => sortItems(box, criteria).map((i) => i.meta.uid);
    assert.deepEqual(order([{ key: 'SIZE', reverse: false }]), [11, 13, 10, 12]);
    assert.deepEqual(order([{ key: 'SIZE', reverse: true }]), [10, 12, 11, 13]);
  });
});
