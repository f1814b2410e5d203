// Commits of other processes (postkeep deliver from an MTA's pipe, postkeep import or user beside a
// running server; one server owns a data directory, src/server/data-lock.ts) raise no change signal
// in the server: the notifier is in-process (events.ts). Without this, a client in IDLE never heard
// of mail that `postkeep deliver` stored; it saw it at its next command. So, while anyone listens,
// the store asks SQLite every POLL_MS whether another connection committed (PRAGMA data_version,
// which changes only then: sqlite.org/pragma.html#pragma_data_version), and if so reads the
// HIGHESTMODSEQ of the mailboxes sessions look at (watched.ts) and signals those that moved.
// Sessions that are up to date ignore a signal; the others pull what changed as they do for one of
// our own commits.
// The checkpoint thread's PASSIVE checkpoints (checkpoint-worker.ts) leave data_version alone, so
// they raise no false alarm; each alarm reads the watched rows (10-18 ms for 10,000 mailboxes).
import type Database from 'better-sqlite3';
import type { ChangeNotifier } from '../events.js';
import type { WatchedMailboxes } from '../watched.js';

/** How long an idling client may wait to hear of another process's commit, in ms. One poll is one
 *  PRAGMA (a few microseconds); the mailbox rows are read only after another process committed. */
export const POLL_MS = 100;

/** Mailbox ids per query (json_each keeps the statement one text whatever the count). */
const IDS_PER_QUERY = 10_000;

export class ExternalChanges {
  private readonly dataVersion: Database.Statement;
  private readonly modseqs: Database.Statement;
  private lastVersion: number;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    db: Database.Database,
    private readonly watched: WatchedMailboxes,
    private readonly notifier: ChangeNotifier,
    private readonly pollMs = POLL_MS,
  ) {
    this.dataVersion = db.prepare('PRAGMA data_version').pluck();
    this.modseqs = db.prepare('SELECT id, highestmodseq FROM mailboxes WHERE id IN (SELECT value FROM json_each(?))').raw(true);
    this.lastVersion = this.dataVersion.get() as number;
  }

  /** Polls from now on; the timer does not keep the process alive (CLI commands end as before). */
  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => this.check(), this.pollMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** One poll: signals the watched mailboxes another process changed since the last one. */
  check(): void {
    if (this.notifier.size === 0) return; // no session: nobody to tell
    const version = this.dataVersion.get() as number;
    if (version === this.lastVersion) return;
    this.lastVersion = version;
    const ids = this.watched.ids();
    for (let i = 0; i < ids.length; i += IDS_PER_QUERY) {
      const batch = ids.slice(i, i + IDS_PER_QUERY);
      const rows = this.modseqs.all(JSON.stringify(batch)) as Array<[number, number]>;
      const found = new Set<number>();
      for (const [id, modseq] of rows) {
        found.add(id);
        if (this.watched.changedSince(id, modseq)) this.notifier.emit(id, modseq);
      }
      // Deleted by the other process: a signal makes the sessions that have it selected find it gone.
      for (const id of batch) {
        if (found.has(id)) continue;
        this.watched.forget(id);
        this.notifier.emit(id, Number.MAX_SAFE_INTEGER);
      }
    }
  }
}
