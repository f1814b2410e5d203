// Sequence sets in SEARCH keys (RFC 9051 §6.4.4 "sequence-set", §9 seq-number): `*` is the largest
// number in use, a range may be given high:low, and "$" is the saved result (RFC 5182 §2.1).
import type { SequenceSet } from '../imap/wire/ast.js';

/** A membership test over numbers (message numbers or UIDs). */
export type NumberTest = (n: number) => boolean;

/** Ranges resolved against `star` (the largest number in use), sorted and merged, tested by binary search. */
export function rangeTest(set: Extract<SequenceSet, { kind: 'set' }>, star: number): NumberTest {
  const spans = set.ranges
    .map((r) => {
      const a = r.start === '*' ? star : r.start;
      const b = r.end === '*' ? star : r.end;
      return a <= b ? [a, b] : [b, a];
    })
    .sort((x, y) => (x[0] ?? 0) - (y[0] ?? 0));
  const lo: number[] = [];
  const hi: number[] = [];
  for (const [a = 0, b = 0] of spans) {
    const last = hi.length - 1;
    if (last >= 0 && a <= (hi[last] ?? 0) + 1) hi[last] = Math.max(hi[last] ?? 0, b);
    else {
      lo.push(a);
      hi.push(b);
    }
  }
  return (n) => {
    let left = 0;
    let right = lo.length - 1;
    while (left <= right) {
      const mid = (left + right) >> 1;
      if (n < (lo[mid] ?? 0)) right = mid - 1;
      else if (n > (hi[mid] ?? 0)) left = mid + 1;
      else return true;
    }
    return false;
  };
}

/** "$": the saved UIDs (RFC 5182 §2.1: it refers to the same messages whether or not UID is used). */
export function savedTest(saved: readonly number[] | null): NumberTest {
  const uids = new Set(saved ?? []);
  return (uid) => uids.has(uid);
}
