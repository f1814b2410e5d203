// The WAL checkpointer's thread (wal-checkpointer.ts): its own connection to the database, which
// copies committed WAL frames into the database file when asked. A checkpoint is synchronous work
// with two fsyncs (the WAL, then the database file): run by the connection that commits, it held the
// event loop for ~100 ms every 16,000 WAL pages. Here it runs beside the writer: a PASSIVE
// checkpoint takes no lock that a writer or reader waits for (sqlite.org/c3ref/wal_checkpoint_v2.html).
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';

export interface CheckpointWorkerData {
  readonly path: string;
}

/** What one checkpoint did: WAL frames in all, and how many of them are now in the database file. */
export interface CheckpointReport {
  readonly ok: boolean;
  readonly log?: number;
  readonly checkpointed?: number;
  readonly error?: string;
}

const port = parentPort;
if (!port) throw new Error('checkpoint-worker.ts runs only as a worker thread');
const { path } = workerData as CheckpointWorkerData;
const db = new Database(path, { fileMustExist: true });
// FULL: the checkpoint fsyncs the WAL before it copies frames and the database file after.
db.pragma('synchronous = FULL');

port.on('message', (message: 'checkpoint' | 'close') => {
  if (message === 'close') {
    db.close();
    port.close();
    return;
  }
  let report: CheckpointReport;
  try {
    const row = (db.pragma('wal_checkpoint(PASSIVE)') as Array<{ busy: number; log: number; checkpointed: number }>)[0];
    report = { ok: true, log: row?.log ?? 0, checkpointed: row?.checkpointed ?? 0 };
  } catch (err) {
    report = { ok: false, error: err instanceof Error ? err.message : String(err) };
  }
  port.postMessage(report);
});
