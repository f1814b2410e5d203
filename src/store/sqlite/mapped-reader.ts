// Message bytes kept in the database (inline-blobs.ts), and the body text SEARCH reads, through a
// memory map: a second, read-only connection to the same file with SQLite's mmap_size set
// (sqlite.org/mmap.html), used for nothing else. Through the map a row's pages are not copied into
// SQLite's page cache with one pread() each, and a page that is not in memory yet is read by a page
// fault, for which the kernel reads the pages around it too: on a mailbox that was idle (its pages
// evicted), reading random messages gets the file into memory after a few hundred faults instead
// of one small read per page. Measured on the bench's 100,000-message mailbox, random BODY.PEEK[]
// for 8 s after dropping the page cache: 1,000-12,600 fetches/s in the first two seconds and
// ~20,000/s after, against 2,500-5,100 and ~17,000/s with pread (docs/BENCHMARKS.md part 8).
//
// Only this connection maps the file. The one that loads mailboxes reads with pread: a SELECT reads
// a few MB of pages scattered over the file, and faults would read the neighbouring message bytes
// too (1 GB read for a 16 MB table, 1.3 s against 0.5 s).
//
// The price: an I/O error while a mapped page is read from disk is a SIGBUS that stops the process
// (SQLite cannot turn it into SQLITE_IOERR as it does for read()). The map is therefore a setting
// ([store] mmap, docs/configuration.md): false reads with pread on the main connection, as before.
// A map that cannot be opened (no file descriptor left, say) is not an error either: the main
// connection answers, and the map is tried again after MAP_IDLE_MS.
import Database from 'better-sqlite3';

/** How much of the file SQLite may map: all of it up to its build's limit (2 GiB, SQLITE_MAX_MMAP_SIZE);
 *  pages beyond the limit are read with pread as usual. */
const MAP_BYTES = 8 * 1024 * 1024 * 1024;

/** A map nobody read through for this long is closed (and opened again at the next read): the pages
 *  it touched leave the process's RSS, so that RSS shows recent reads rather than every page ever
 *  read. Reopening costs well under a millisecond; the pages stay in the page cache. */
export const MAP_IDLE_MS = 60_000;

/** A content's bytes kept in its row (NULL: in a file; inline-blobs.ts). */
export const BYTES_SQL = 'SELECT bytes FROM blobs WHERE id = ?';

/** A content's stored body text, and its summary when the text is left to the file (body-text.ts). */
export const BODY_TEXT_SQL = 'SELECT body_text, CASE WHEN body_text_in_file THEN summary END FROM blobs WHERE id = ?';

interface MappedStatements {
  readonly bytes: Database.Statement;
  readonly bodyText: Database.Statement;
  readonly begin: Database.Statement;
  readonly commit: Database.Statement;
}

export class MappedReader {
  private db: Database.Database | null = null;
  private statements: MappedStatements | null = null;
  private closed = false;
  private lastRead = 0;
  private idleTimer: NodeJS.Timeout | null = null;
  /** When opening the map last failed (performance.now()), or null. */
  private failedAt: number | null = null;
  /** Whether this turn of the event loop's reads share an open read transaction (see statementsNow). */
  private inSnapshot = false;

  constructor(
    private readonly path: string,
    private readonly idleMs = MAP_IDLE_MS,
  ) {}

  /**
   * The `bytes` column of blob `id` as this connection's snapshot has it: a Buffer, null when the
   * bytes are in a file, undefined when it has no such row. The row of a transaction the main
   * connection has not committed is not in that snapshot: callers ask the main connection then.
   */
  bytes(id: string): Buffer | null | undefined {
    return this.statementsNow()?.bytes.get(id) as Buffer | null | undefined;
  }

  /** The body text columns of blob `id` (messages.ts getBodyText; SEARCH BODY/TEXT reads one per
   *  message: ~20% faster through the map on the 100k mailbox), undefined like bytes(). */
  bodyTextRow(id: string): [text: string, summaryIfInFile: string | null] | undefined {
    return this.statementsNow()?.bodyText.get(id) as [string, string | null] | undefined;
  }

  /** Whether the map is open now (it opens at a read and closes when idle). */
  get isOpen(): boolean {
    return this.db !== null;
  }

  /** Closes the map if nothing was read through it for idleMs before `now` (the timer's check). */
  releaseIfIdle(now = performance.now()): void {
    if (this.db && now - this.lastRead >= this.idleMs) this.unmap();
  }

  close(): void {
    this.closed = true;
    this.unmap();
  }

  /**
   * The statements, inside a read transaction that the reads of this turn of the event loop share
   * and that ends when the turn does (setImmediate). A statement run on its own takes and drops
   * SQLite's locks (two fcntl() calls and an fstat() per read, seen with strace); one transaction
   * per turn takes them once. This process's commits end it too (endSnapshot), so its snapshot only
   * lags behind other processes' commits, by at most a turn: a row they added is read from the main
   * connection like an uncommitted one, a row they deleted is still read, which is harmless for
   * contents that never change under their id (a blob's id is its hash). A turn is short, so the
   * transaction does not keep the WAL from being reset for long.
   */
  private statementsNow(): MappedStatements | null {
    const statements = this.statements ?? this.tryOpen();
    if (!statements) return null;
    this.lastRead = performance.now();
    if (!this.inSnapshot) {
      statements.begin.run();
      this.inSnapshot = true;
      setImmediate(this.endSnapshot);
    }
    return statements;
  }

  /** Ends the shared read transaction: at the end of the turn, and after each commit of the main
   *  connection (SqliteContext.write), so that this process reads its own writes, deletions too. */
  readonly endSnapshot = (): void => {
    this.inSnapshot = false;
    if (this.db?.inTransaction) this.statements?.commit.run();
  };

  private unmap(): void {
    if (this.idleTimer) clearInterval(this.idleTimer);
    this.idleTimer = null;
    this.statements = null;
    this.db?.close();
    this.db = null;
  }

  /** Opened at the first read, so that a store nobody reads from (CLI commands, tests) has no map. */
  private tryOpen(): MappedStatements | null {
    if (this.closed) return null;
    const now = performance.now();
    if (this.failedAt !== null && now - this.failedAt < this.idleMs) return null;
    try {
      const statements = this.open();
      this.failedAt = null;
      return statements;
    } catch {
      this.failedAt = now;
      return null;
    }
  }

  private open(): MappedStatements {
    const db = new Database(this.path, { readonly: true, fileMustExist: true });
    try {
      db.pragma(`mmap_size = ${MAP_BYTES}`);
      this.statements = {
        bytes: db.prepare(BYTES_SQL).pluck(true),
        bodyText: db.prepare(BODY_TEXT_SQL).raw(true),
        begin: db.prepare('BEGIN'),
        commit: db.prepare('COMMIT'),
      };
    } catch (err) {
      db.close();
      throw err;
    }
    this.db = db;
    // Checked a few times per idle period; unref'd: it never keeps the process alive.
    this.idleTimer = setInterval(() => this.releaseIfIdle(), Math.max(1, Math.floor(this.idleMs / 4)));
    this.idleTimer.unref();
    return this.statements;
  }
}
