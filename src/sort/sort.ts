// SORT (RFC 5256 §3): criteria in priority order, REVERSE flips one criterion only, and exact ties
// keep mailbox order (sequence number) whatever REVERSE says.
import { compareKeys } from './collate.js';
import { sortKey } from './keys.js';
import type { SortCriterion, SortItem } from './types.js';

export function sortItems(items: readonly SortItem[], criteria: readonly SortCriterion[]): SortItem[] {
  const keyed = items.map((item) => ({ item, keys: criteria.map((c) => sortKey(item, c.key)) }));
  keyed.sort((a, b) => {
    for (let i = 0; i < criteria.length; i++) {
      const d = compareKey(a.keys[i], b.keys[i]);
      if (d !== 0) return criteria[i]?.reverse ? -d : d;
    }
    return a.item.msn - b.item.msn;
  });
  return keyed.map((k) => k.item);
}

function compareKey(a: number | string | undefined, b: number | string | undefined): number {
  if (typeof a === 'number' && typeof b === 'number') return a < b ? -1 : a > b ? 1 : 0;
  return compareKeys(String(a ?? ''), String(b ?? ''));
}
