// The messages SORT and THREAD=ORDEREDSUBJECT order, with their keys (RFC 5256 §2.2-§3) taken
// from the process's cache (sort-key-cache.ts). Only messages the cache has no key for are read,
// in batches that hand the event loop back (sort-items.ts); their keys are computed and kept for
// the next command, of this session or another.
import { sortKey, sortNeeds, type SortItem, type SortKeyName, type SortKeyOf } from '../../sort/index.js';
import { isCachedSortKey, sortKeyCacheFor, type CachedSortKey, type SortKeyTable } from '../sort-key-cache.js';
import type { SearchKey } from '../wire/ast.js';
import { itemBatches, matchingUids } from './sort-items.js';
import type { CommandContext } from './types.js';
import { viewOf } from './util.js';

export interface KeyedItems {
  /** The matching messages in mailbox order, without summaries: keyOf has their keys. */
  readonly items: SortItem[];
  readonly keyOf: SortKeyOf;
}

/** The messages matching `search` and the values of `keys` for each of them. */
export async function matchingWithKeys(ctx: CommandContext, charset: string, search: SearchKey, keys: readonly SortKeyName[]): Promise<KeyedItems> {
  const view = viewOf(ctx);
  const uids = await matchingUids(ctx, charset, search);
  const cache = sortKeyCacheFor(ctx.store);
  const tables = new Map<CachedSortKey, SortKeyTable>();
  for (const key of keys) if (isCachedSortKey(key)) tables.set(key, cache.table(view.mailbox.id, view.mailbox.uidValidity, key));
  const missing = uids.filter((uid) => {
    for (const table of tables.values()) if (!table.has(uid)) return true;
    return false;
  });
  if (missing.length > 0) {
    for await (const batch of itemBatches(ctx, missing, sortNeeds([...tables.keys()]))) {
      for (const item of batch) for (const [key, table] of tables) table.set(item.meta.uid, sortKey(item, key));
    }
    cache.grew(view.mailbox.id, view.count, (uid) => view.meta(uid) !== undefined);
  }
  const items: SortItem[] = [];
  view.walk(uids, 0, uids.length, (msn, meta) => items.push({ msn, meta, summary: null }));
  // Every item's cached keys are in the tables (filled above from the same view); ARRIVAL and SIZE
  // are the item's metadata.
  const keyOf: SortKeyOf = (item, key) => (isCachedSortKey(key) ? tables.get(key)?.get(item.meta.uid) : undefined) ?? sortKey(item, key);
  return { items, keyOf };
}
