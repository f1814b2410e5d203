// SORT by one key without a comparator: each message's key and position are packed into one
// double, key major, and a Float64Array is sorted by the engine's native numeric sort. A comparator
// called from the sort costs about 20 ns per call, and 100,000 messages take 1.7 million calls
// (docs/BENCHMARKS.md part 20). Numeric keys (SIZE, ARRIVAL, DATE) are packed as they are; string
// keys with few distinct values (FROM: few senders, many messages) as their rank among those.

/** Doubles hold every integer up to 2^53 exactly. */
const EXACT = 2 ** 53;
/** Dates are kept in milliseconds but mostly come in whole seconds (Date: header, APPEND's
 *  date-time): dividing by this unit, when every key allows it, makes room for 1000x more spread. */
const SECOND_MS = 1000;

/**
 * The positions of `keys` in sort order (REVERSE flips the key only; equal keys keep their
 * positions' order, RFC 5256 §3), or null when the keys are not all safe integers or their spread
 * times their count is too big to pack exactly (the caller then sorts with a comparator).
 */
export function packedOrder(keys: readonly (number | string)[], reverse: boolean): number[] | null {
  const n = keys.length;
  let min = Infinity;
  let max = -Infinity;
  let wholeSeconds = true;
  let inOrder = true;
  let previous = reverse ? Infinity : -Infinity;
  for (let i = 0; i < n; i++) {
    const key = keys[i];
    if (typeof key !== 'number' || !Number.isSafeInteger(key)) return null;
    if (key < min) min = key;
    if (key > max) max = key;
    if (wholeSeconds && key % SECOND_MS !== 0) wholeSeconds = false;
    if (reverse ? key > previous : key < previous) inOrder = false;
    previous = key;
  }
  // Already in order (ARRIVAL nearly always is): positions are the order, ties included.
  if (inOrder) return positions(n);
  const unit = wholeSeconds ? SECOND_MS : 1;
  const span = (max - min) / unit;
  if ((span + 1) * n > EXACT) return null;
  const packed = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const key = keys[i] as number;
    const rank = (reverse ? max - key : key - min) / unit;
    packed[i] = rank * n + i;
  }
  packed.sort();
  const order = new Array<number>(n);
  for (let i = 0; i < n; i++) order[i] = (packed[i] as number) % n;
  return order;
}

function positions(n: number): number[] {
  const all = new Array<number>(n);
  for (let i = 0; i < n; i++) all[i] = i;
  return all;
}

/** Distinct string keys allowed, per message: past it, ranking costs more than it saves. */
const MAX_DISTINCT_SHARE = 1 / 8;

/**
 * The positions of string `keys` in sort order, by rank among the distinct keys (which are few),
 * or null when they are not all strings or too many of them are distinct. The distinct keys are
 * sorted by the default sort, which orders strings by UTF-16 code units as `<` does (collate.ts).
 */
export function rankedOrder(keys: readonly (number | string)[], reverse: boolean): number[] | null {
  const n = keys.length;
  const limit = Math.max(16, Math.floor(n * MAX_DISTINCT_SHARE));
  const rankOf = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    const key = keys[i];
    if (typeof key !== 'string') return null;
    if (!rankOf.has(key)) {
      if (rankOf.size >= limit) return null;
      rankOf.set(key, 0);
    }
  }
  const distinct = [...rankOf.keys()].sort();
  distinct.forEach((key, rank) => rankOf.set(key, rank));
  const ranks = new Array<number>(n);
  for (let i = 0; i < n; i++) ranks[i] = rankOf.get(keys[i] as string) as number;
  return packedOrder(ranks, reverse);
}
