// SORT (RFC 5256 §3): criteria in priority order, REVERSE flips one criterion only, and exact ties
// keep mailbox order (sequence number) whatever REVERSE says.
import { sortKey } from './keys.js';
import { packedOrder, rankedOrder } from './packed-order.js';
import type { SortCriterion, SortItem, SortKeyName, SortKeyOf } from './types.js';

/**
 * keyOf: where each message's keys come from (a cache of them); by default computed from the item.
 * The keys are read once into one column per criterion and a permutation is sorted over them.
 * A key is a number or a collation key (collate.ts), whose native comparison is the collation.
 */
export function sortItems(items: readonly SortItem[], criteria: readonly SortCriterion[], keyOf: SortKeyOf = sortKey): SortItem[] {
  return sortOrder(items, criteria, keyOf).map((i) => items[i] as SortItem);
}

/** The positions in `items` in sort order. A caller that needs one number per message takes it from
 *  the items in their own order and then permutes: following the order from item to item visits
 *  100,000 objects scattered over the heap, a cache miss each (11 ms per SORT, part 20). */
export function sortOrder(
  items: readonly SortItem[],
  criteria: readonly SortCriterion[],
  keyOf: SortKeyOf = sortKey,
  /** Keys already at hand, by position in `items`; the others come from keyOf. */
  known?: ReadonlyMap<SortKeyName, readonly (number | string)[]>,
): number[] {
  const columns = criteria.map((c) => known?.get(c.key) ?? items.map((item) => keyOf(item, c.key)));
  const only = criteria.length === 1 ? criteria[0] : undefined;
  if (only && inMailboxOrder(items)) {
    // Positions are mailbox order here, so a tie on the key keeps the position's order.
    const column = columns[0] as (number | string)[];
    const order = packedOrder(column, only.reverse) ?? rankedOrder(column, only.reverse);
    if (order) return order;
  }
  const flips = criteria.map((c) => (c.reverse ? -1 : 1));
  const msns = new Float64Array(items.length); // ties read these, not the items (above)
  items.forEach((item, i) => (msns[i] = item.msn));
  const order = items.map((_, i) => i);
  order.sort((i, j) => {
    for (let k = 0; k < columns.length; k++) {
      const column = columns[k] as (number | string)[];
      const a = column[i] as number | string;
      const b = column[j] as number | string;
      if (a < b) return -(flips[k] as number);
      if (a > b) return flips[k] as number;
    }
    return (msns[i] as number) - (msns[j] as number);
  });
  return order;
}

function inMailboxOrder(items: readonly SortItem[]): boolean {
  for (let i = 1; i < items.length; i++) if ((items[i] as SortItem).msn <= (items[i - 1] as SortItem).msn) return false;
  return true;
}
