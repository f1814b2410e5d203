// The mailboxes this process's sessions have looked at (SELECT, IDLE wake-ups, NOOP). A store whose
// change signals can be missed checks these when it may have missed one: PostgreSQL after its LISTEN
// connection was lost, SQLite after another process (postkeep deliver, import) wrote the file.
// Bounded: a long-running process forgets the oldest.

/** More than the mailboxes a busy node's sessions have open at once. */
export const MAX_WATCHED = 100_000;

export class WatchedMailboxes {
  /** Mailbox id -> the HIGHESTMODSEQ last seen by changedSince (0: not read yet). Insertion order is age. */
  private readonly modseqs = new Map<number, number>();

  constructor(private readonly max = MAX_WATCHED) {}

  add(mailboxId: number): void {
    if (this.modseqs.has(mailboxId)) return;
    if (this.modseqs.size >= this.max) {
      const oldest = this.modseqs.keys().next();
      if (!oldest.done) this.modseqs.delete(oldest.value);
    }
    this.modseqs.set(mailboxId, 0);
  }

  ids(): number[] {
    return [...this.modseqs.keys()];
  }

  get size(): number {
    return this.modseqs.size;
  }

  /** Records the HIGHESTMODSEQ just read; true when it differs from the one read before. */
  changedSince(mailboxId: number, highestModseq: number): boolean {
    const before = this.modseqs.get(mailboxId);
    if (before === undefined || before === highestModseq) return false;
    this.modseqs.set(mailboxId, highestModseq);
    return true;
  }

  /** The mailbox is gone: nobody needs to hear of it again. */
  forget(mailboxId: number): void {
    this.modseqs.delete(mailboxId);
  }
}
