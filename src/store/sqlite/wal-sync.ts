// The fsync of a group commit (context.ts writeGrouped): one descriptor of the WAL file, opened at the
// first sync and kept until the store closes, and fdatasync instead of fsync.
// - Kept open: an open and a close per commit were two more hand-offs to libuv's thread pool (4
//   threads), each queued behind the blob files' fsyncs of other appends.
// - fdatasync: it writes the data and what is needed to read it back (the size when the WAL grew),
//   but not the modification time, which on ext4 costs a journal commit of its own once SQLite
//   reuses the WAL from its start; PostgreSQL syncs its WAL the same way on Linux.
// The WAL file is the same inode while this connection is open: SQLite removes it only when the last
// connection closes, and cuts it back (journal_size_limit) with a truncate.
import { close, fdatasync, open } from 'node:fs';

export class WalSync {
  private fd: Promise<number> | null = null;
  /** Syncs under way: close() waits for them, or a reused descriptor number could be synced instead. */
  private readonly inFlight = new Set<Promise<void>>();

  constructor(private readonly walPath: string) {}

  /** Makes every commit so far durable. */
  sync(): Promise<void> {
    const run = this.descriptor().then((fd) => new Promise<void>((resolve, reject) => fdatasync(fd, (err) => (err ? reject(err) : resolve()))));
    this.inFlight.add(run);
    const forget = (): void => void this.inFlight.delete(run);
    run.then(forget, forget);
    return run;
  }

  /** Closes the descriptor once the syncs under way have ended (the store is closing). */
  async close(): Promise<void> {
    await Promise.allSettled([...this.inFlight]);
    const pending = this.fd;
    this.fd = null;
    if (!pending) return;
    const fd = await pending.catch(() => null);
    if (fd !== null) await new Promise<void>((resolve) => close(fd, () => resolve()));
  }

  private descriptor(): Promise<number> {
    if (this.fd) return this.fd;
    const opening = new Promise<number>((resolve, reject) => open(this.walPath, 'r', (err, fd) => (err ? reject(err) : resolve(fd))));
    // A failed open is not remembered: the next sync tries again.
    opening.catch(() => {
      if (this.fd === opening) this.fd = null;
    });
    this.fd = opening;
    return opening;
  }
}
