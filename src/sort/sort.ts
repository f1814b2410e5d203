// SORT (RFC 5256 §3): criteria in priority order, REVERSE flips one criterion only, and exact ties
// keep mailbox order (sequence number) whatever REVERSE says.
import { sortKey } from './keys.js';
import type { SortCriterion, SortItem, SortKeyOf } from './types.js';

/**
 * keyOf: where each message's keys come from (a cache of them); by default computed from the item.
 * The keys are read once into one column per criterion and a permutation is sorted over them.
 * A key is a number or a collation key (collate.ts), whose native comparison is the collation.
 */
export function sortItems(items: readonly SortItem[], criteria: readonly SortCriterion[], keyOf: SortKeyOf = sortKey): SortItem[] {
  const columns = criteria.map((c) => items.map((item) => keyOf(item, c.key)));
  const flips = criteria.map((c) => (c.reverse ? -1 : 1));
  const order = items.map((_, i) => i);
  order.sort((i, j) => {
    for (let k = 0; k < columns.length; k++) {
      const column = columns[k] as (number | string)[];
      const a = column[i] as number | string;
      const b = column[j] as number | string;
      if (a < b) return -(flips[k] as number);
      if (a > b) return flips[k] as number;
    }
    return (items[i] as SortItem).msn - (items[j] as SortItem).msn;
  });
  return order.map((i) => items[i] as SortItem);
}
