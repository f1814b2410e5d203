// Sequence sets (RFC 9051 §9 sequence-set): resolving against the mailbox, and formatting UID
// sets for APPENDUID/COPYUID (RFC 4315 §3) and ESEARCH (RFC 4731 §3.1). Works on intervals so a
// hostile "1:4294967295" costs nothing.
import type { SequenceSet } from './ast.js';
import { Parser } from './parser.js';

/** Closed intervals [from, to], ascending, disjoint, non-adjacent. */
export type Intervals = ReadonlyArray<readonly [number, number]>;

/**
 * Resolves a set against `max`, the largest number in use ("*"), clipped to 1..max.
 * RFC 9051 §9: a range is the same in either order (4:2 == 2:4), and "*" with an empty mailbox
 * matches nothing. Throws for "$" (SEARCHRES): the session substitutes the saved result first.
 */
export function resolveSequenceSet(set: SequenceSet, max: number): Intervals {
  if (set.kind === 'saved') throw new Error('resolveSequenceSet: "$" must be substituted by the caller');
  if (max < 1) return [];
  const raw: Array<[number, number]> = [];
  for (const r of set.ranges) {
    const a = r.start === '*' ? max : r.start;
    const b = r.end === '*' ? max : r.end;
    const lo = Math.max(1, Math.min(a, b));
    const hi = Math.min(max, Math.max(a, b));
    if (lo <= hi) raw.push([lo, hi]);
  }
  return merge(raw);
}

/** True when a number in the set (not "*") is above max: for message numbers that is a BAD (RFC 9051 §9 seq-number). */
export function sequenceSetExceeds(set: SequenceSet, max: number): boolean {
  if (set.kind === 'saved') return false;
  return set.ranges.some((r) => (r.start !== '*' && r.start > max) || (r.end !== '*' && r.end > max));
}

/** Every number of the intervals, ascending. Only call when the intervals are bounded by a real count. */
export function expandIntervals(iv: Intervals): number[] {
  const out: number[] = [];
  for (const [a, b] of iv) for (let n = a; n <= b; n++) out.push(n);
  return out;
}

export function intervalsContain(iv: Intervals, n: number): boolean {
  let lo = 0;
  let hi = iv.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const [a, b] = iv[mid] as readonly [number, number];
    if (n < a) hi = mid - 1;
    else if (n > b) lo = mid + 1;
    else return true;
  }
  return false;
}

/**
 * The members of `sorted` (ascending, e.g. the UIDs of a mailbox) that the set names, "*" being
 * the last member. Cost: O(ranges · log n + result), whatever the ranges say.
 */
export function selectFromSorted(set: SequenceSet, sorted: ArrayLike<number>): number[] {
  const n = sorted.length;
  if (n === 0) return [];
  const max = sorted[n - 1] as number;
  const out: number[] = [];
  for (const [a, b] of resolveSequenceSet(set, max)) {
    for (let i = lowerBound(sorted, a); i < n && (sorted[i] as number) <= b; i++) out.push(sorted[i] as number);
  }
  return out;
}

/**
 * "1:3,7,9:10": runs of consecutive ascending numbers become ranges, in the order given
 * (COPYUID pairs its two sets by position, RFC 4315 §3, so nothing is reordered).
 */
export function formatUidSet(uids: readonly number[]): string {
  const parts: string[] = [];
  let i = 0;
  while (i < uids.length) {
    const start = uids[i] as number;
    let end = start;
    while (i + 1 < uids.length && uids[i + 1] === end + 1) end = uids[++i] as number;
    parts.push(start === end ? String(start) : `${start}:${end}`);
    i++;
  }
  return parts.join(',');
}

/** A SequenceSet back to its text form. */
export function formatSequenceSet(set: SequenceSet): string {
  if (set.kind === 'saved') return '$';
  return set.ranges.map((r) => (r.start === r.end ? String(r.start) : `${r.start}:${r.end}`)).join(',');
}

/** Parses "1:3,7,*" (throws ParseError). */
export function parseSequenceSetText(text: string): SequenceSet {
  const p = new Parser({ parts: [{ kind: 'text', text }] }, 1);
  const set = p.sequenceSet();
  p.expectEnd('after the sequence set');
  return set;
}

function merge(raw: Array<[number, number]>): Intervals {
  raw.sort((x, y) => x[0] - y[0]);
  const out: Array<[number, number]> = [];
  for (const r of raw) {
    const last = out[out.length - 1];
    if (last && r[0] <= last[1] + 1) last[1] = Math.max(last[1], r[1]);
    else out.push([r[0], r[1]]);
  }
  return out;
}

function lowerBound(sorted: ArrayLike<number>, x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((sorted[mid] as number) < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
