// Sort keys already computed (RFC 5256 §2-3: sent date, base subject, first address) and what
// THREAD=REFERENCES reads of each message (message ids, references), per mailbox,
// shared by every session of the process like the snapshots of mailbox-cache.ts. Computing them
// means reading and parsing each message's header fields: 0.45 s for the dates of 100,000 messages,
// more for the envelopes; webmail sorts the same mailbox again on every refresh, and Dovecot keeps
// these keys in its index cache file for that reason (its second SORT of 100,000 took 40-80 ms
// here, its first 1.7-2.1 s). A message's header never changes for the life of its UID (RFC 9051
// §2.3.1.1), so a key stays right until the mailbox's UIDVALIDITY changes; keys of expunged
// messages are only dead weight, dropped when a table has grown well past the mailbox.
import type { SortKeyName, ThreadFacts } from '../sort/index.js';
import { perStore } from './per-store.js';

/** The keys read from the message (ARRIVAL and SIZE are metadata, at hand without a cache). */
export type CachedSortKey = Exclude<SortKeyName, 'ARRIVAL' | 'SIZE'>;
export type SortKeyValue = number | string;

/** What the cache keeps per message, by table: a sort key, or THREAD=REFERENCES' facts. */
export interface CachedValues extends Record<CachedSortKey, SortKeyValue> {
  readonly REFERENCES: ThreadFacts;
}
export type CacheTableName = keyof CachedValues;
export type CacheTable<T extends CacheTableName> = Map<number, CachedValues[T]>;

/** At most this many keys over all mailboxes (least recently used mailboxes go first): about 60 MB
 *  when they are subject keys of typical length. The facts of a message count as REFERENCES_WEIGHT keys. */
export const MAX_CACHED_KEYS = 1_000_000;
const REFERENCES_WEIGHT = 4;
/** Keys of a mailbox nobody sorted for this long are dropped. */
const IDLE_MS = 15 * 60_000;

interface MailboxKeys {
  readonly uidValidity: number;
  readonly tables: Map<CacheTableName, Map<number, unknown>>;
  /** Sum of the tables' weighted sizes when last counted (grew()). */
  size: number;
  lastUsed: number;
}

export function isCachedSortKey(key: SortKeyName): key is CachedSortKey {
  return key !== 'ARRIVAL' && key !== 'SIZE';
}

export class SortKeyCache {
  /** Map order is the LRU order: a mailbox is re-inserted when used. */
  private readonly mailboxes = new Map<number, MailboxKeys>();
  private size = 0;
  private sweeper: NodeJS.Timeout | undefined;

  constructor(private readonly maxKeys = MAX_CACHED_KEYS) {}

  /** Keys held over all mailboxes (as last counted). */
  get cachedKeys(): number {
    return this.size;
  }

  /** The table `name` of the mailbox (empty at first). The caller fills in what it computes and
   *  then calls grew(); a table it holds stays valid for it even if the cache drops it meanwhile. */
  table<T extends CacheTableName>(mailboxId: number, uidValidity: number, name: T): CacheTable<T> {
    let entry = this.mailboxes.get(mailboxId);
    if (entry && entry.uidValidity !== uidValidity) {
      this.drop(mailboxId); // RFC 9051 §2.3.1.1: new UIDVALIDITY, the UIDs name other messages
      entry = undefined;
    }
    if (!entry) entry = { uidValidity, tables: new Map(), size: 0, lastUsed: 0 };
    this.mailboxes.delete(mailboxId);
    entry.lastUsed = Date.now();
    this.mailboxes.set(mailboxId, entry);
    let table = entry.tables.get(name);
    if (!table) {
      table = new Map();
      entry.tables.set(name, table);
    }
    this.sweeper ??= setInterval(() => this.sweep(), IDLE_MS).unref();
    return table as CacheTable<T>; // each name's table only ever holds that name's values
  }

  /**
   * Counts the mailbox's keys again after a caller added some, drops those of messages that are
   * gone once a table holds more than half again the mailbox's `messages` (isLive says which UIDs
   * are still there), then evicts other mailboxes while the total is over the bound.
   */
  grew(mailboxId: number, messages: number, isLive: (uid: number) => boolean): void {
    const entry = this.mailboxes.get(mailboxId);
    if (!entry) return;
    let size = 0;
    for (const [name, table] of entry.tables) {
      if (table.size > messages * 1.5 + 1000) for (const uid of table.keys()) if (!isLive(uid)) table.delete(uid);
      size += table.size * (name === 'REFERENCES' ? REFERENCES_WEIGHT : 1);
    }
    this.size += size - entry.size;
    entry.size = size;
    for (const id of this.mailboxes.keys()) {
      if (this.size <= this.maxKeys || id === mailboxId) break;
      this.drop(id);
    }
  }

  private drop(mailboxId: number): void {
    const entry = this.mailboxes.get(mailboxId);
    if (!entry) return;
    this.size -= entry.size;
    this.mailboxes.delete(mailboxId);
  }

  private sweep(): void {
    const cutoff = Date.now() - IDLE_MS;
    for (const [id, entry] of this.mailboxes) if (entry.lastUsed < cutoff) this.drop(id);
    if (this.mailboxes.size === 0 && this.sweeper) {
      clearInterval(this.sweeper);
      this.sweeper = undefined;
    }
  }
}

/** The one cache of a store instance: every session of the process over that store shares it. */
export const sortKeyCacheFor = perStore(() => new SortKeyCache());
