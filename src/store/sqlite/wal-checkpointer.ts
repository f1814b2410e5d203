// Checkpoints of the WAL in a worker thread (checkpoint-worker.ts says why), started after every
// CHECKPOINT_EVERY_COMMITS commits of this handle, one at a time. The writer's own automatic
// checkpoint (wal_autocheckpoint, sqlite-store.ts) stays as the bound on the WAL's size: under
// steady writes the WAL is never wholly copied at the moment a writer starts, so it cannot start
// over; when it reaches that size the writer checkpoints, but finds nearly every frame copied
// already and only copies the rest. The worker starts at the first checkpoint (a handle that
// commits little never starts one); if it fails, the writer's checkpoints do all the work, as before.
import { Worker } from 'node:worker_threads';
import type { CheckpointReport, CheckpointWorkerData } from './checkpoint-worker.js';

/** Commits between two background checkpoints, and the least time from the end of one to the start of
 *  the next (flag changes commit thousands of times a second: not a checkpoint each 8 of them).
 *  Measured with 10 concurrent appends of 4 KB, 20,000 in all, 2 runs each (docs/BENCHMARKS.md):
 *  every 8 commits the longest event loop stall was 25-29 ms, every 32 67-79 ms, every 128 70-139 ms;
 *  without this worker 101-178 ms. Messages per second did not change beyond the machine's noise. */
export const CHECKPOINT_EVERY_COMMITS = 8;
export const CHECKPOINT_MIN_INTERVAL_MS = 50;

export class WalCheckpointer {
  private worker: Worker | null = null;
  private commits = 0;
  private lastFinished = -Infinity;
  private running = false;
  /** No more checkpoints: the worker failed or exited, or close() was called. */
  private stopped = false;
  private closing = false;
  private exited: Promise<void> | null = null;
  /** What the last checkpoint did (tests, diagnostics). */
  lastReport: CheckpointReport | null = null;
  /** Background checkpoints finished so far. */
  completed = 0;
  private waiters: Array<() => void> = [];

  constructor(
    private readonly databasePath: string,
    private readonly every = CHECKPOINT_EVERY_COMMITS,
    private readonly minIntervalMs = CHECKPOINT_MIN_INTERVAL_MS,
  ) {}

  /** Called after every commit of this handle. */
  afterCommit(): void {
    if (this.stopped || this.running || ++this.commits < this.every) return;
    if (performance.now() - this.lastFinished < this.minIntervalMs) return;
    this.commits = 0;
    this.running = true;
    const worker = this.start();
    worker.ref(); // a checkpoint under way keeps the process alive until it ends
    worker.postMessage('checkpoint');
  }

  /** Resolves once no background checkpoint is running. */
  idle(): Promise<void> {
    if (!this.running) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Lets a running checkpoint finish, then closes the worker's connection; the handle's own close
   *  comes after (the last connection to close checkpoints whatever is left). */
  async close(): Promise<void> {
    this.stopped = true; // no new ones
    const worker = this.worker;
    if (!worker || !this.exited || this.closing) return this.exited ?? undefined;
    this.closing = true;
    worker.ref(); // until it has exited
    worker.postMessage('close');
    await this.exited;
  }

  private start(): Worker {
    if (this.worker) return this.worker;
    const data: CheckpointWorkerData = { path: this.databasePath };
    const worker = new Worker(new URL('./checkpoint-worker.js', import.meta.url), { workerData: data });
    worker.unref(); // an idle worker never keeps a process alive
    worker.on('message', (report: CheckpointReport) => {
      this.lastReport = report;
      if (report.ok) this.completed++;
      this.finished();
    });
    worker.on('error', (err) => {
      this.lastReport = { ok: false, error: err.message };
      this.stopped = true;
      this.finished();
    });
    this.exited = new Promise((resolve) =>
      worker.once('exit', () => {
        this.stopped = true;
        this.finished();
        resolve();
      }),
    );
    this.worker = worker;
    return worker;
  }

  private finished(): void {
    this.running = false;
    if (!this.closing) this.worker?.unref();
    this.lastFinished = performance.now();
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }
}
