// Per-mailbox hot state shared by the sessions of one process (DESIGN.md "Performance habits"):
// an immutable snapshot of a mailbox's messages at one MODSEQ (UIDs in a typed array, metadata
// objects shared by every session). SELECT takes the newest snapshot and pulls only what changed
// since it (store.changesSince), instead of reading every row. Each session keeps its own MSN
// view on top of it (src/imap/selected.ts): the data is shared, the numbering is not (RFC 9051
// §7.5.1). Only the store's public interface is used, so it works over any Store.
import type { Mailbox, MailboxChanges, MessageMeta, Store } from '../store/types.js';

export class MailboxSnapshot {
  #keywords: string[] | undefined;
  #firstUnseen: number | undefined;

  /** uids ascending; metas[i] is the message with uids[i]. Neither is ever modified. */
  constructor(
    readonly uidValidity: number,
    readonly modseq: number,
    readonly uids: Uint32Array,
    readonly metas: readonly MessageMeta[],
  ) {}

  static fromList(uidValidity: number, modseq: number, list: readonly MessageMeta[]): MailboxSnapshot {
    return new MailboxSnapshot(uidValidity, modseq, Uint32Array.from(list, (m) => m.uid), list);
  }

  get count(): number {
    return this.uids.length;
  }

  /** Index of the first UID >= uid (binary search). */
  lowerBound(uid: number): number {
    let lo = 0;
    let hi = this.uids.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.uids[mid] as number) < uid) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  meta(uid: number): MessageMeta | undefined {
    const i = this.lowerBound(uid);
    return this.uids[i] === uid ? this.metas[i] : undefined;
  }

  /** Keywords in use, one spelling per case-insensitive name (for SELECT's FLAGS). */
  keywords(): readonly string[] {
    if (this.#keywords === undefined) {
      const seen = new Map<string, string>();
      for (const m of this.metas) for (const f of m.flags) if (!f.startsWith('\\')) seen.set(f.toLowerCase(), f);
      this.#keywords = [...seen.values()];
    }
    return this.#keywords;
  }

  /** Index of the first message without \Seen, or -1 (IMAP4rev1 SELECT's UNSEEN). */
  firstUnseen(): number {
    this.#firstUnseen ??= this.metas.findIndex((m) => !m.flags.includes('\\Seen'));
    return this.#firstUnseen;
  }

  /** A new snapshot with the changes applied (copy on write; this one stays as it was). */
  apply(changes: MailboxChanges): MailboxSnapshot {
    if (changes.highestModseq <= this.modseq) return this;
    const gone = new Set(changes.expunged);
    const changed = changes.changed; // ascending by UID
    const uids: number[] = [];
    const metas: MessageMeta[] = [];
    let j = 0;
    const take = (m: MessageMeta): void => {
      if (gone.has(m.uid)) return;
      uids.push(m.uid);
      metas.push(m);
    };
    for (let i = 0; i < this.uids.length; i++) {
      const uid = this.uids[i] as number;
      while (j < changed.length && (changed[j] as MessageMeta).uid < uid) take(changed[j++] as MessageMeta);
      if (j < changed.length && (changed[j] as MessageMeta).uid === uid) {
        const next = changed[j++] as MessageMeta;
        // A snapshot taken conservatively may already hold a newer state than a change reported.
        take(next.modseq >= (this.metas[i] as MessageMeta).modseq ? next : (this.metas[i] as MessageMeta));
      } else take(this.metas[i] as MessageMeta);
    }
    while (j < changed.length) take(changed[j++] as MessageMeta);
    return new MailboxSnapshot(this.uidValidity, changes.highestModseq, Uint32Array.from(uids), metas);
  }
}

interface Entry {
  snapshot: MailboxSnapshot;
  lastUsed: number;
}

/** Unused snapshots are dropped after this long, so a mailbox nobody has open holds no memory. */
const IDLE_MS = 5 * 60_000;
/** At most this many messages cached over all mailboxes (least recently used go first). */
const MAX_MESSAGES = 2_000_000;

export class MailboxCache {
  private readonly entries = new Map<number, Entry>();
  private readonly loading = new Map<number, Promise<MailboxSnapshot>>();
  private sweeper: NodeJS.Timeout | undefined;

  constructor(private readonly store: Store) {}

  /**
   * The mailbox's messages at least as new as `mailbox.highestModseq` (read by the caller just
   * before): the cached snapshot brought forward with changesSince, or a full read when there is
   * none. A snapshot may be newer than that MODSEQ in parts; the view deduplicates by MODSEQ.
   */
  async snapshot(mailbox: Mailbox): Promise<MailboxSnapshot> {
    const entry = this.entries.get(mailbox.id);
    let snap = entry && entry.snapshot.uidValidity === mailbox.uidValidity ? entry.snapshot : undefined;
    if (snap === undefined) snap = await this.load(mailbox);
    else if (snap.modseq < mailbox.highestModseq) snap = snap.apply(await this.store.changesSince(mailbox.id, snap.modseq));
    this.remember(mailbox.id, snap);
    return snap;
  }

  /** Forgets a mailbox (tests, or a caller that knows it changed in ways MODSEQ does not show). */
  forget(mailboxId: number): void {
    this.entries.delete(mailboxId);
  }

  private load(mailbox: Mailbox): Promise<MailboxSnapshot> {
    let p = this.loading.get(mailbox.id);
    if (p === undefined) {
      // The MODSEQ was read before the list: anything after it is pulled again and deduplicated.
      p = this.store
        .listMessages(mailbox.id)
        .then((list) => MailboxSnapshot.fromList(mailbox.uidValidity, mailbox.highestModseq, list))
        .finally(() => this.loading.delete(mailbox.id));
      this.loading.set(mailbox.id, p);
    }
    return p;
  }

  private remember(mailboxId: number, snap: MailboxSnapshot): void {
    const old = this.entries.get(mailboxId);
    // Two sessions refreshing at once: keep the newer result.
    const keep = old && old.snapshot.uidValidity === snap.uidValidity && old.snapshot.modseq > snap.modseq ? old.snapshot : snap;
    this.entries.delete(mailboxId); // re-insert: Map order is the LRU order
    this.entries.set(mailboxId, { snapshot: keep, lastUsed: Date.now() });
    let total = 0;
    for (const e of this.entries.values()) total += e.snapshot.count;
    for (const [id, e] of this.entries) {
      if (total <= MAX_MESSAGES || id === mailboxId) break;
      total -= e.snapshot.count;
      this.entries.delete(id);
    }
    this.sweeper ??= setInterval(() => this.sweep(), IDLE_MS).unref();
  }

  private sweep(): void {
    const cutoff = Date.now() - IDLE_MS;
    for (const [id, e] of this.entries) if (e.lastUsed < cutoff) this.entries.delete(id);
    if (this.entries.size === 0 && this.sweeper) {
      clearInterval(this.sweeper);
      this.sweeper = undefined;
    }
  }
}

const caches = new WeakMap<Store, MailboxCache>();

/** The one cache of a store instance: every session of the process over that store shares it. */
export function mailboxCacheFor(store: Store): MailboxCache {
  let cache = caches.get(store);
  if (!cache) {
    cache = new MailboxCache(store);
    caches.set(store, cache);
  }
  return cache;
}
