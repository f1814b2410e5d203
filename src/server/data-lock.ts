// One owner per data directory at a time: `postkeep serve` holds <dataDir>/postkeep.lock (its pid) while
// it runs, and `postkeep check` takes the same lock, so an offline check never runs beside a live
// server. Node has no flock(), so the lock is a file created with O_EXCL; a lock whose process is gone
// (SIGKILL, power cut) is stale and taken over.
import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';

export const LOCK_FILE = 'postkeep.lock';

export class DataDirLockedError extends Error {
  constructor(
    message: string,
    readonly pid: number,
  ) {
    super(message);
    this.name = 'DataDirLockedError';
  }
}

export interface DataLock {
  readonly path: string;
  /** Removes the lock file if it is still ours. Safe to call twice. */
  release(): void;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'; // exists, owned by someone else
  }
}

function holder(path: string): number | null {
  try {
    const pid = Number(readFileSync(path, 'utf8').trim().split(/\s/)[0]);
    return Number.isSafeInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

/** Takes the lock or throws DataDirLockedError naming the process that holds it. `what` goes into
 *  the lock file for a person who looks ("serve", "check"). */
export function acquireDataLock(dataDir: string, what: string): DataLock {
  const path = join(dataDir, LOCK_FILE);
  for (let attempt = 0; attempt < 3; attempt++) {
    let fd: number;
    try {
      fd = openSync(path, 'wx', 0o600);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const pid = holder(path);
      if (pid !== null && alive(pid)) {
        throw new DataDirLockedError(`${dataDir} is in use by process ${pid} (${LOCK_FILE}); stop the server first`, pid);
      }
      // Stale (its process is gone) or half-written: take it over.
      try {
        unlinkSync(path);
      } catch {
        // another process removed it first; try again
      }
      continue;
    }
    try {
      writeSync(fd, `${process.pid} ${what}\n`);
    } finally {
      closeSync(fd);
    }
    let released = false;
    return {
      path,
      release() {
        if (released) return;
        released = true;
        if (holder(path) === process.pid) {
          try {
            unlinkSync(path);
          } catch {
            // already gone
          }
        }
      },
    };
  }
  throw new DataDirLockedError(`cannot take ${path}: it keeps coming back`, 0);
}
