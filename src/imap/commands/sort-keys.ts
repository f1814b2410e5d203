// The messages SORT and THREAD order, with their keys (RFC 5256 §2.2-§3) or, for
// THREAD=REFERENCES, the facts of each message the algorithm reads, taken from the process's
// cache (sort-key-cache.ts). Only messages the cache lacks are read, in batches that hand the
// event loop back (sort-items.ts); what is computed for them is kept for the next command, of this
// session or another.
import { sortKey, sortNeeds, threadFacts, type SortItem, type SortKeyName, type SortKeyOf, type SortNeeds, type ThreadFacts } from '../../sort/index.js';
import { isCachedSortKey, sortKeyCacheFor, type CachedSortKey, type CachedValues, type CacheTable, type CacheTableName, type SortKeyValue } from '../sort-key-cache.js';
import type { SearchKey } from '../wire/ast.js';
import { itemBatches, matchingUids } from './sort-items.js';
import type { CommandContext } from './types.js';
import { viewOf } from './util.js';

export interface KeyedItems {
  /** The matching messages in mailbox order, without summaries: keyOf has their keys. */
  readonly items: SortItem[];
  readonly keyOf: SortKeyOf;
  /** The cached keys' values by position in `items` (one lookup per message and key, made here). */
  readonly columns: ReadonlyMap<SortKeyName, readonly SortKeyValue[]>;
}

/** The messages matching `search` and the values of `keys` for each of them. */
export async function matchingWithKeys(ctx: CommandContext, charset: string, search: SearchKey, keys: readonly SortKeyName[]): Promise<KeyedItems> {
  const items = bare(ctx, await matchingUids(ctx, charset, search));
  const tables = new Map<CachedSortKey, CacheTable<CachedSortKey>>();
  for (const key of keys) if (isCachedSortKey(key)) tables.set(key, cachedTable(ctx, key));
  // Each table is looked up once per message: at 100,000 messages a lookup is ~0.1-0.2 us, and
  // a SORT looked each one up twice (has, then get) before (docs/BENCHMARKS.md part 20).
  const columns = new Map<CachedSortKey, Array<SortKeyValue | undefined>>();
  const lacking: number[] = [];
  for (const [key, table] of tables) {
    const column = items.map((item) => table.get(item.meta.uid));
    column.forEach((value, i) => value === undefined && lacking.push(i));
    columns.set(key, column);
  }
  if (lacking.length > 0) {
    const positions = [...new Set(lacking)].sort((a, b) => a - b);
    await fillMissing(ctx, positions.map((i) => (items[i] as SortItem).meta.uid), tables, sortNeeds([...tables.keys()]), sortKey);
    for (const [key, column] of columns) {
      const table = tables.get(key) as CacheTable<CachedSortKey>;
      for (const i of positions) {
        const item = items[i] as SortItem;
        column[i] ??= table.get(item.meta.uid) ?? sortKey(item, key); // keyOf's fallback, as below
      }
    }
  }
  // Every item's cached keys are in the tables now (filled from the same view); ARRIVAL and SIZE
  // are the item's metadata.
  const keyOf: SortKeyOf = (item, key) => (isCachedSortKey(key) ? tables.get(key)?.get(item.meta.uid) : undefined) ?? sortKey(item, key);
  return { items, keyOf, columns: columns as Map<CachedSortKey, SortKeyValue[]> };
}

export interface ItemsWithFacts {
  readonly items: SortItem[];
  readonly factsOf: (item: SortItem) => ThreadFacts;
}

/** The messages matching `search` and what THREAD=REFERENCES reads of each. */
export async function matchingWithThreadFacts(ctx: CommandContext, charset: string, search: SearchKey): Promise<ItemsWithFacts> {
  const uids = await matchingUids(ctx, charset, search);
  const table = cachedTable(ctx, 'REFERENCES');
  await fillMissing(ctx, uids, new Map([['REFERENCES', table]]), { sentDate: true, envelope: true, headers: true }, threadFacts);
  return { items: bare(ctx, uids), factsOf: (item) => table.get(item.meta.uid) ?? threadFacts(item) };
}

function cachedTable<T extends CacheTableName>(ctx: CommandContext, name: T): CacheTable<T> {
  const { mailbox } = viewOf(ctx);
  return sortKeyCacheFor(ctx.store).table(mailbox.id, mailbox.uidValidity, name);
}

/** Computes what `tables` lack for any of `uids`, from the messages read with `needs`. */
async function fillMissing<T extends CacheTableName>(
  ctx: CommandContext,
  uids: readonly number[],
  tables: ReadonlyMap<T, CacheTable<T>>,
  needs: SortNeeds,
  compute: (item: SortItem, name: T) => CachedValues[T],
): Promise<void> {
  const missing = uids.filter((uid) => {
    for (const table of tables.values()) if (!table.has(uid)) return true;
    return false;
  });
  if (missing.length === 0) return;
  const shared = new Map<string, string>();
  for await (const batch of itemBatches(ctx, missing, needs)) {
    for (const item of batch) for (const [name, table] of tables) table.set(item.meta.uid, interned(compute(item, name), shared));
  }
  const view = viewOf(ctx);
  sortKeyCacheFor(ctx.store).grew(view.mailbox.id, view.count, (uid) => view.meta(uid) !== undefined);
}

/**
 * One string object per distinct key: equal keys are then the same object, which the engine's
 * string comparison answers without reading the characters (SORT FROM compares mostly equal keys:
 * few senders, many messages), and the cache holds each text once.
 */
function interned<V>(value: V, shared: Map<string, string>): V {
  if (typeof value !== 'string') return value;
  const known = shared.get(value);
  if (known !== undefined) return known as V;
  shared.set(value, value);
  return value;
}

/** The messages of `uids` (ascending) as the view numbers them, without summaries. */
function bare(ctx: CommandContext, uids: readonly number[]): SortItem[] {
  const items: SortItem[] = [];
  viewOf(ctx).walk(uids, 0, uids.length, (msn, meta) => items.push({ msn, meta, summary: null }));
  return items;
}
