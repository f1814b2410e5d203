// Keeps MODSEQs and UIDs from being given out twice (DESIGN.md rule 2, RFC 7162 §3.1.1, RFC 9051
// §2.3.1.1) although flag changes and group-committed appends commit with synchronous=NORMAL
// (context.ts writeRelaxed): an OS crash or power cut may roll back the last of those commits after
// other sessions saw their MODSEQs or UIDs (an append is answered only after its WAL fsync, but
// another session may read it in between), and the next changes would get the same numbers again. So a store handle records itself in `store_handles` with a FULL commit before its
// first relaxed commit, and removes the row in close() with a FULL commit (which also fsyncs every
// earlier WAL frame). A row whose process is gone means a handle that did not close: the next open
// moves every HIGHESTMODSEQ ahead by MODSEQ_RECOVERY_MARGIN and every UIDNEXT by UID_RECOVERY_MARGIN,
// in one FULL transaction, before serving.
//
// One row per handle, not one flag for the database: `postkeep deliver` and the other CLI commands
// open the store while `serve` runs, and must neither clear serve's mark nor take it for a crash.
// The liveness test (boot id, pid) only avoids needless jumps: a live handle whose row was removed
// anyway lost nothing (that removal's FULL commit synced the WAL) and writes a new row before its next
// relaxed commit (writeRelaxed checks under the write lock).
//
// What the jump cannot do: a message whose flag change was lost keeps its old, lower MODSEQ, so a
// client that saw the lost flags is not told that they reverted (CHANGEDSINCE does not list it); a
// message whose append was lost (its sender was never answered) is gone without an EXPUNGE for a
// session that saw it in that instant.
// Dovecot has the same exposure with mail_fsync=optimized (docs/BENCHMARKS.md, "Flag changes and fsync").
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { uptime } from 'node:os';
import type Database from 'better-sqlite3';
import { MAX_BATCH } from './group-commit.js';

/** The highest UID there can be (RFC 9051 §2.3.1.1: a 32-bit value). */
const MAX_UID = 0xffffffff;

/**
 * How far every HIGHESTMODSEQ moves after an unclean shutdown. Only relaxed commits after the last
 * fsync of the WAL can be lost, and each took at most one MODSEQ per mailbox it changed (storeFlags
 * changes one; a group commit of appends one per append, and its own WAL fsync follows at once).
 * The WAL is fsynced by every FULL commit of any process (copy, move, expunge, mailbox and account
 * changes), after every group commit and before every checkpoint, which SQLite runs once the WAL
 * passes wal_autocheckpoint pages (16,000 here, sqlite-store.ts); a flag change writes at least one
 * page, so about 16,000 commits at most lie between two syncs. A reader holding a checkpoint back can
 * stretch that: a million unsynced commits would be at least 4 GB of WAL. MODSEQs stay far
 * below 2^53 (JS numbers; SQLite and RFC 7162 allow 2^63): billions of such recoveries fit.
 */
export const MODSEQ_RECOVERY_MARGIN = 1_000_000;

/**
 * How far every UIDNEXT moves after an unclean shutdown. Only appends of a group commit whose WAL
 * fsync had not finished can be lost after others saw them: one batch per store handle, at most
 * MAX_BATCH (group-commit.ts, 500) appends. 20 handles (serve plus `postkeep deliver` runs) writing
 * at that instant fit; UIDs are 32-bit (RFC 9051 §2.3.1.1), so the margin stays small: 400,000
 * recoveries before a mailbox could run out.
 */
export const UID_RECOVERY_MARGIN = 20 * MAX_BATCH;

/** Handles open in this process, by token -> database path: a row of this pid is alive only if listed. */
const openHere = new Map<string, string>();

/** Linux's boot id; elsewhere the boot time estimated from the uptime (it wobbles by a second). */
export function bootId(): string {
  try {
    return readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
  } catch {
    return `t:${Math.round(Date.now() / 1000 - uptime())}`;
  }
}

function sameBoot(a: string, b: string): boolean {
  if (a === b) return true;
  return a.startsWith('t:') && b.startsWith('t:') && Math.abs(Number(a.slice(2)) - Number(b.slice(2))) <= 60;
}

function processAlive(pid: number): boolean {
  if (!Number.isSafeInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'; // there, but not ours
  }
}

interface HandleRow {
  readonly token: string;
  readonly pid: number;
  readonly boot: string;
}

export class ShutdownMarker {
  private readonly token = randomUUID();
  private readonly boot = bootId();
  private registered = false;

  constructor(
    private readonly db: Database.Database,
    /** The database file, to tell handles of this process on a copy of it from those on it. */
    private readonly path: string,
  ) {}

  /** At open, before anything is served: moves every HIGHESTMODSEQ ahead when a handle did not close.
   *  True when it did. A clean start costs one read and no fsync. */
  recover(): boolean {
    if (this.staleRows().length === 0) return false;
    return this.db
      .transaction(() => {
        const stale = this.staleRows(); // again under the write lock: another process may have recovered
        if (stale.length === 0) return false;
        // Only HIGHESTMODSEQ and UIDNEXT move: UIDVALIDITY and the messages' rows stay as they are.
        this.db
          .prepare('UPDATE mailboxes SET highestmodseq = highestmodseq + ?, uidnext = MIN(uidnext + ?, ?)')
          .run(MODSEQ_RECOVERY_MARGIN, UID_RECOVERY_MARGIN, MAX_UID + 1);
        const remove = this.db.prepare('DELETE FROM store_handles WHERE token = ?');
        for (const row of stale) remove.run(row.token);
        return true;
      })
      .immediate();
  }

  /** Whether this handle's row is there; call inside the relaxed write transaction. */
  present(): boolean {
    // Asked before every relaxed commit: compiled once.
    this.presentStmt ??= this.db.prepare('SELECT 1 FROM store_handles WHERE token = ?');
    return this.presentStmt.get(this.token) !== undefined;
  }
  private presentStmt: Database.Statement | undefined;

  /** Records this handle, committed with the connection's FULL setting (not inside writeRelaxed). */
  register(): void {
    openHere.set(this.token, this.path);
    this.db
      .transaction(() => {
        this.db
          .prepare('INSERT OR REPLACE INTO store_handles (token, pid, boot, opened) VALUES (?, ?, ?, ?)')
          .run(this.token, process.pid, this.boot, Date.now());
      })
      .immediate();
    this.registered = true;
  }

  /** At close(): a FULL commit that also syncs this handle's relaxed commits. */
  release(): void {
    openHere.delete(this.token);
    if (!this.registered) return;
    this.db.prepare('DELETE FROM store_handles WHERE token = ?').run(this.token);
    this.registered = false;
  }

  private staleRows(): HandleRow[] {
    const rows = this.db.prepare('SELECT token, pid, boot FROM store_handles').all() as HandleRow[];
    return rows.filter((row) => !this.alive(row));
  }

  private alive(row: HandleRow): boolean {
    if (!sameBoot(row.boot, this.boot)) return false; // the machine restarted: its page cache is gone
    if (row.pid === process.pid) return openHere.get(row.token) === this.path;
    return processAlive(row.pid);
  }
}
