// Per-mailbox hot state shared by the sessions of one process (DESIGN.md "Performance habits"):
// an immutable snapshot of a mailbox's messages at one MODSEQ (UIDs in a typed array, metadata
// objects shared by every session). SELECT takes the newest snapshot and pulls only what changed
// since it (store.changesSince), instead of reading every row. Each session keeps its own MSN
// view on top of it (src/imap/selected.ts): the data is shared, the numbering is not (RFC 9051
// §7.5.1). Only the store's public interface is used, so it works over any Store.
import type { Mailbox, MailboxChanges, MessageMeta, Store } from '../store/types.js';
import { carryUidsInState, uidsInState, type IndexedState } from './flag-index.js';
import { perStore } from './per-store.js';

/** What a snapshot learned about its messages that a successor can take over without a full pass. */
interface Carried {
  /** Keywords in use (keywords()), when no change touched a message with keywords. */
  readonly keywords?: readonly string[] | undefined;
  /** Every message with a UID below this one has \Seen. */
  readonly seenBelow: number;
}

export class MailboxSnapshot {
  #keywords: readonly string[] | undefined;
  /** Every message with a UID below this one has \Seen: firstUnseen() starts looking there. */
  #seenBelow: number;
  #firstUnseen: number | undefined;
  readonly #inState = new Map<IndexedState, Uint32Array>();

  /** uids ascending; metas[i] is the message with uids[i]. Neither is ever modified. */
  constructor(
    readonly uidValidity: number,
    readonly modseq: number,
    readonly uids: Uint32Array,
    readonly metas: readonly MessageMeta[],
    carried?: Carried,
  ) {
    this.#keywords = carried?.keywords;
    this.#seenBelow = carried?.seenBelow ?? 0;
  }

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
    if (this.#firstUnseen === undefined) {
      let i = this.lowerBound(this.#seenBelow);
      while (i < this.metas.length && isSeen(this.metas[i] as MessageMeta)) i++;
      this.#firstUnseen = i < this.metas.length ? i : -1;
      this.#seenBelow = i < this.metas.length ? (this.uids[i] as number) : Infinity;
    }
    return this.#firstUnseen;
  }

  /** The UIDs (ascending) of the messages with \Deleted, or without \Seen (flag-index.ts). */
  uidsInState(state: IndexedState): Uint32Array {
    let uids = this.#inState.get(state);
    if (uids === undefined) {
      uids = uidsInState(state, this.uids, this.metas);
      this.#inState.set(state, uids);
    }
    return uids;
  }

  /**
   * A new snapshot with the changes applied (copy on write; this one stays as it was). Flag changes
   * and new messages (the usual case) are bulk copies of the arrays with the changed entries put in
   * place; what SELECT needs beyond EXISTS (keywords, first unseen) is carried over, so a SELECT
   * after a few changes costs O(changes), not a pass over the mailbox.
   */
  apply(changes: MailboxChanges): MailboxSnapshot {
    if (changes.highestModseq <= this.modseq) return this;
    const merged = this.patch(changes) ?? this.merge(changes);
    const next = new MailboxSnapshot(this.uidValidity, changes.highestModseq, merged.uids, merged.metas, this.carry(changes));
    // Only the lists somebody asked for are kept up to date: no pass over the mailbox here.
    for (const [state, uids] of this.#inState) next.#inState.set(state, carryUidsInState(state, uids, changes, (uid) => next.meta(uid)));
    return next;
  }

  /** Flag changes and new UIDs above the last one, nothing expunged here: the arrays copied in bulk. */
  private patch(changes: MailboxChanges): { uids: Uint32Array; metas: MessageMeta[] } | null {
    for (const uid of changes.expunged) if (this.meta(uid) !== undefined) return null;
    const gone = changes.expunged.length > 0 ? new Set(changes.expunged) : null;
    const last = this.uids[this.uids.length - 1] ?? 0;
    const metas = this.metas.slice();
    let added = 0;
    for (const next of changes.changed) {
      if (gone?.has(next.uid)) continue;
      if (next.uid > last) {
        metas.push(next); // changed is ascending by UID, so these stay in order
        added++;
        continue;
      }
      const i = this.lowerBound(next.uid);
      if (this.uids[i] !== next.uid) return null; // not ours to place: the full merge decides
      // A snapshot taken conservatively may already hold a newer state than a change reported.
      if (next.modseq >= (this.metas[i] as MessageMeta).modseq) metas[i] = next;
    }
    if (added === 0) return { uids: this.uids, metas };
    const uids = new Uint32Array(this.uids.length + added);
    uids.set(this.uids);
    for (let i = this.uids.length; i < metas.length; i++) uids[i] = (metas[i] as MessageMeta).uid;
    return { uids, metas };
  }

  /** Expunges (or anything out of the usual): one merge pass in UID order. */
  private merge(changes: MailboxChanges): { uids: Uint32Array; metas: MessageMeta[] } {
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
        take(next.modseq >= (this.metas[i] as MessageMeta).modseq ? next : (this.metas[i] as MessageMeta));
      } else take(this.metas[i] as MessageMeta);
    }
    while (j < changed.length) take(changed[j++] as MessageMeta);
    return { uids: Uint32Array.from(uids), metas };
  }

  /** What the successor may keep: the keyword list while no message with keywords took part (the
   *  same messages carry keywords, in the same UID order, so a full pass would give the same list),
   *  and the \Seen bound lowered to the lowest changed message without \Seen. */
  private carry(changes: MailboxChanges): Carried {
    let seenBelow = this.#seenBelow;
    let keywords = this.#keywords;
    for (const m of changes.changed) {
      if (!isSeen(m) && m.uid < seenBelow) seenBelow = m.uid;
      if (keywords !== undefined && (hasKeywords(m) || hasKeywords(this.meta(m.uid)))) keywords = undefined;
    }
    if (keywords !== undefined) for (const uid of changes.expunged) if (hasKeywords(this.meta(uid))) keywords = undefined;
    return { keywords, seenBelow };
  }
}

function isSeen(m: MessageMeta): boolean {
  return m.flags.includes('\\Seen');
}

function hasKeywords(m: MessageMeta | undefined): boolean {
  return m !== undefined && m.flags.some((f) => !f.startsWith('\\'));
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
  /** Messages in all cached snapshots (kept as entries come and go: no pass over them per SELECT). */
  private cachedMessages = 0;
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
    this.drop(mailboxId);
  }

  private drop(mailboxId: number): void {
    const entry = this.entries.get(mailboxId);
    if (!entry) return;
    this.cachedMessages -= entry.snapshot.count;
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
    this.drop(mailboxId); // re-insert: Map order is the LRU order
    this.entries.set(mailboxId, { snapshot: keep, lastUsed: Date.now() });
    this.cachedMessages += keep.count;
    for (const id of this.entries.keys()) {
      if (this.cachedMessages <= MAX_MESSAGES || id === mailboxId) break;
      this.drop(id);
    }
    this.sweeper ??= setInterval(() => this.sweep(), IDLE_MS).unref();
  }

  private sweep(): void {
    const cutoff = Date.now() - IDLE_MS;
    for (const [id, e] of this.entries) if (e.lastUsed < cutoff) this.drop(id);
    if (this.entries.size === 0 && this.sweeper) {
      clearInterval(this.sweeper);
      this.sweeper = undefined;
    }
  }
}

/** The one cache of a store instance: every session of the process over that store shares it. */
export const mailboxCacheFor = perStore((store) => new MailboxCache(store));
