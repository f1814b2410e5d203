// Group commit (DESIGN.md "Performance habits"): appends that are ready together share one write
// transaction and one fsync of the WAL. Each runs in its own savepoint, so one that fails (quota,
// vanished blob) rolls back alone and only its caller hears of it.
//
// The fsync does not block the event loop: the batch commits without waiting for the disk
// (synchronous=NORMAL, through `commit`), then `sync` fsyncs the WAL in the thread pool, and only
// then is anybody answered (rule 1). While that fsync runs, new appends queue up and commit together
// after it: at most one batch per handle is committed but not yet durable, and it holds at most
// MAX_BATCH appends (shutdown-marker.ts counts on that bound after a power cut).

type Write = <T>(fn: () => T) => T;

export interface GroupCommitIo {
  /** Runs fn in a write transaction; called inside one, it makes a savepoint. */
  readonly write: Write;
  /** Runs fn in the batch's own transaction, committed without waiting for the disk. */
  readonly commit: Write;
  /** Makes every commit so far durable (the WAL's fsync); resolves when it is. */
  readonly sync: () => Promise<void>;
}

/** Appends per shared commit. More wait for the next one: this bounds what a power cut can take back
 *  after other sessions saw it (the UID margin in shutdown-marker.ts is a multiple of it). */
export const MAX_BATCH = 500;

interface Pending {
  readonly fn: () => unknown;
  readonly resolve: (value: unknown) => void;
  readonly reject: (err: unknown) => void;
}

type Outcome = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly error: unknown };

export class GroupCommit {
  private queue: Pending[] = [];
  private scheduled = false;
  private syncing = false;

  constructor(private readonly io: GroupCommitIo) {}

  /** Runs fn in a transaction shared with the others queued meanwhile; resolves after it is durable. */
  run<T>(fn: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ fn, resolve: resolve as (value: unknown) => void, reject });
      this.schedule();
    });
  }

  /** The next batch starts in a later turn of the event loop, and never while a sync is running. */
  private schedule(): void {
    if (this.scheduled || this.syncing || this.queue.length === 0) return;
    this.scheduled = true;
    setImmediate(() => this.flush());
  }

  private flush(): void {
    this.scheduled = false;
    const batch = this.queue.splice(0, MAX_BATCH);
    const outcomes: Outcome[] = [];
    try {
      this.io.commit(() => {
        for (const item of batch) {
          try {
            outcomes.push({ ok: true, value: this.io.write(item.fn) });
          } catch (error) {
            outcomes.push({ ok: false, error });
          }
        }
      });
    } catch (err) {
      // The commit itself failed: none of them is stored.
      for (const item of batch) item.reject(err);
      this.schedule();
      return;
    }
    this.syncing = true;
    void this.io.sync().then(
      () => {
        batch.forEach((item, i) => {
          const o = outcomes[i] as Outcome;
          if (o.ok) item.resolve(o.value);
          else item.reject(o.error);
        });
      },
      // Committed but perhaps not on disk: nobody may be told it is stored (rule 1).
      (err: unknown) => {
        for (const item of batch) item.reject(err);
      },
    ).finally(() => {
      this.syncing = false;
      this.schedule();
    });
  }
}
