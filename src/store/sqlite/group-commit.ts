// Group commit (DESIGN.md "Performance habits"): appends that are ready in the same turn of the
// event loop share one write transaction, so one WAL fsync (synchronous=FULL) covers them all.
// Each runs in its own savepoint, so one that fails (quota, vanished blob) rolls back alone and
// only its caller hears of it. Nobody is answered before the shared commit has returned (rule 1).

type Write = <T>(fn: () => T) => T;

interface Pending {
  readonly fn: () => unknown;
  readonly resolve: (value: unknown) => void;
  readonly reject: (err: unknown) => void;
}

type Outcome = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly error: unknown };

export class GroupCommit {
  private queue: Pending[] = [];
  private scheduled = false;

  /** `write` runs a function in a write transaction; called inside one, it makes a savepoint. */
  constructor(private readonly write: Write) {}

  /** Runs fn in a transaction shared with the others queued in this turn; resolves after the commit. */
  run<T>(fn: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ fn, resolve: resolve as (value: unknown) => void, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  private flush(): void {
    this.scheduled = false;
    const batch = this.queue;
    this.queue = [];
    const outcomes: Outcome[] = [];
    try {
      this.write(() => {
        for (const item of batch) {
          try {
            outcomes.push({ ok: true, value: this.write(item.fn) });
          } catch (error) {
            outcomes.push({ ok: false, error });
          }
        }
      });
    } catch (err) {
      // The commit itself failed: none of them is stored.
      for (const item of batch) item.reject(err);
      return;
    }
    batch.forEach((item, i) => {
      const o = outcomes[i] as Outcome;
      if (o.ok) item.resolve(o.value);
      else item.reject(o.error);
    });
  }
}
