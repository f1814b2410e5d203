// What the SQLite store's operation modules share: the connection, cached statements, the blob
// files, change events, and the few helpers every mutation needs (modseq, blob references).
import type Database from 'better-sqlite3';
import { ChangeNotifier } from '../events.js';
import { WatchedMailboxes } from '../watched.js';
import type { FileBlobStore } from '../blobs/file-blobs.js';
import { StoreError, type MessageAnalyzer, type MessageMeta } from '../types.js';
import { flagList } from '../flags.js';
import { GroupCommit } from './group-commit.js';
import { INLINE_BLOB_MAX_BYTES } from './inline-blobs.js';
import type { ShutdownMarker } from './shutdown-marker.js';
import type { WalCheckpointer } from './wal-checkpointer.js';
import type { MappedReader } from './mapped-reader.js';
import { WalSync } from './wal-sync.js';
import { MESSAGE_COLUMNS, type MailboxRow } from '../rows.js';

export { MESSAGE_COLUMNS, toMailbox, toMeta, type MailboxRow, type MessageRow } from '../rows.js';

type RawMessageRow = [number, number, number, string, number, number, number, string, string, string];

export class SqliteContext {
  readonly notifier = new ChangeNotifier();
  /** Mailboxes sessions look at: external-changes.ts tells them of other processes' commits. */
  readonly watched = new WatchedMailboxes();
  /** Blob ids an append in this process has written but not yet committed: never reap those. */
  readonly pendingBlobs = new Map<string, number>();
  /** Copies the WAL into the database file beside the event loop (null: the writer does it alone). */
  checkpointer: WalCheckpointer | null = null;
  /** Reads message bytes and body text stored in rows through a memory map (null: [store] mmap is off). */
  mapped: MappedReader | null = null;
  private readonly statements = new Map<string, Database.Statement>();
  private readonly rawStatements = new Map<string, Database.Statement>();

  constructor(
    readonly db: Database.Database,
    readonly blobs: FileBlobStore,
    readonly analyze: MessageAnalyzer,
    readonly marker: ShutdownMarker,
    /** Contents up to this size are stored in their blobs row, not in a file (inline-blobs.ts). */
    readonly inlineBlobMaxBytes: number = INLINE_BLOB_MAX_BYTES,
  ) {}

  /** A prepared statement, compiled once per SQL text. */
  stmt(sql: string): Database.Statement {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }

  /** A prepared statement that returns rows as arrays, compiled once per SQL text. */
  rawStmt(sql: string): Database.Statement {
    let statement = this.rawStatements.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql).raw(true);
      this.rawStatements.set(sql, statement);
    }
    return statement;
  }

  /** Message metadata for a SELECT of MESSAGE_COLUMNS. Raw rows skip the per-row column-name
   *  objects (about a third faster for a 100k-message mailbox, see the store report), and all() steps
   *  through the rows in one native call instead of one per row with iterate() (10k rows, 15 rounds:
   *  fastest 17-19 against 23-27 ms; SELECT of a mailbox not yet cached loads them all). */
  metas(sql: string, ...params: unknown[]): MessageMeta[] {
    const rows = this.rawStmt(sql).all(...params) as RawMessageRow[];
    const out: MessageMeta[] = new Array<MessageMeta>(rows.length);
    for (let i = 0; i < rows.length; i++) {
      const r = rows[i] as RawMessageRow;
      out[i] = {
        uid: r[0],
        modseq: r[1],
        flags: flagList(r[2], r[3]),
        internalDate: r[4],
        saveDate: r[5],
        size: r[6],
        blobId: r[7],
        emailId: r[8],
        threadId: r[9],
      };
    }
    return out;
  }

  /** Runs fn in a write transaction. IMMEDIATE takes the write lock up front, so that UID and MODSEQ
   *  allocation cannot race with another process writing the same database. */
  write<T>(fn: () => T): T {
    if (this.db.inTransaction) return this.transaction().immediate(fn) as T; // a savepoint
    const result = this.transaction().immediate(fn) as T;
    this.mapped?.endSnapshot(); // the map's next read sees this commit
    this.checkpointer?.afterCommit();
    return result;
  }
  /** One transaction wrapper for every body (db.transaction(fn) builds four wrapper functions per
   *  call: a tenth of a flag change's CPU); the body is its argument. */
  private transaction(): Database.Transaction<(body: () => unknown) => unknown> {
    this.wrapper ??= this.db.transaction((body: () => unknown) => body());
    return this.wrapper;
  }
  private wrapper: Database.Transaction<(body: () => unknown) => unknown> | undefined;

  /**
   * A write transaction committed with synchronous=NORMAL instead of FULL: for flag changes, and for
   * group commits, which fsync the WAL themselves before anybody is answered (writeGrouped).
   * In WAL mode the database stays consistent after any crash; a process crash loses nothing (the
   * WAL is written before the commit returns), an OS crash or power cut may lose the last such
   * commits until the next fsync (any FULL commit, e.g. an APPEND, or a checkpoint), as Dovecot's
   * default mail_fsync=optimized does for its index. Rule 1 is about acknowledged mail: anything
   * else that adds or removes messages keeps FULL (docs/BENCHMARKS.md "Flag changes and fsync").
   */
  writeRelaxed<T>(fn: () => T): T {
    this.fullSync ??= this.db.pragma('synchronous', { simple: true }) === 2;
    if (!this.fullSync) return this.write(fn);
    // MODSEQs of such commits may be rolled back by an OS crash: the handle's row in store_handles
    // (shutdown-marker.ts) must be durable first, so that the next open moves HIGHESTMODSEQ past them.
    for (let attempt = 0; attempt < 3; attempt++) {
      let done: { value: T } | null;
      // Prepared once (db.pragma() compiles its statement on every call: three per flag change).
      this.stmt('PRAGMA synchronous = NORMAL').run();
      try {
        // Checked under the write lock: no other process can remove the row before this commit.
        done = this.write(() => (this.marker.present() ? { value: fn() } : null));
      } finally {
        this.stmt('PRAGMA synchronous = FULL').run();
      }
      if (done) return done.value;
      this.marker.register(); // a FULL commit
    }
    return this.write(fn); // the row keeps vanishing (recoveries racing): commit this one FULL
  }
  private fullSync: boolean | undefined;

  /** Like write(), but shares its commit (and its fsync) with the other writes queued meanwhile
   *  (group-commit.ts); resolves only after that commit is durable. */
  writeGrouped<T>(fn: () => T): Promise<T> {
    return this.group.run(fn);
  }
  /** The WAL's descriptor for group commits' syncs; closed by the store's close(). */
  get walSync(): WalSync {
    this.walSyncer ??= new WalSync(`${this.db.name}-wal`);
    return this.walSyncer;
  }
  private walSyncer: WalSync | undefined;
  private readonly group = new GroupCommit({
    write: (fn) => this.write(fn),
    commit: (fn) => (this.walSyncedApart() ? this.writeRelaxed(fn) : this.write(fn)),
    sync: () => (this.walSyncedApart() ? this.walSync.sync() : Promise.resolve()),
  });

  /** Whether group commits fsync the WAL themselves, in the thread pool, instead of inside the commit
   *  on the event loop: with fsync on (FULL) and in WAL mode. A commit writes its WAL frames before it
   *  returns, and an fsync through any descriptor of the file makes them durable; the WAL file lives
   *  as long as this connection is open. With synchronous=NORMAL, SQLite itself still syncs the WAL
   *  before every checkpoint and its header when it starts over (sqlite.org/pragma.html#pragma_synchronous). */
  private walSyncedApart(): boolean {
    this.walApart ??= this.db.pragma('synchronous', { simple: true }) === 2 && this.db.pragma('journal_mode', { simple: true }) === 'wal';
    return this.walApart;
  }
  private walApart: boolean | undefined;

  /** Runs fn in a read transaction: one consistent snapshot for several queries. */
  read<T>(fn: () => T): T {
    return this.transaction().deferred(fn) as T;
  }

  mailboxRow(id: number): MailboxRow | undefined {
    return this.stmt('SELECT * FROM mailboxes WHERE id = ?').get(id) as MailboxRow | undefined;
  }

  requireMailbox(id: number): MailboxRow {
    const row = this.mailboxRow(id);
    if (!row) throw new StoreError('NONEXISTENT', 'The mailbox does not exist (any more)');
    return row;
  }

  /** The next MODSEQ of a mailbox, recorded as its HIGHESTMODSEQ; call inside a write transaction. */
  bumpModseq(mailboxId: number): number {
    const row = this.stmt('UPDATE mailboxes SET highestmodseq = highestmodseq + 1 WHERE id = ? RETURNING highestmodseq').get(
      mailboxId,
    ) as { highestmodseq: number } | undefined;
    if (!row) throw new StoreError('NONEXISTENT', 'The mailbox does not exist (any more)');
    return row.highestmodseq;
  }

  /** A UIDVALIDITY never used before in this database: the time in seconds, or one more than the last
   *  one when several mailboxes are created within a second (rule 2). Inside a write transaction. */
  nextUidValidity(): number {
    const last = (this.stmt("SELECT value FROM meta WHERE key = 'last_uidvalidity'").get() as { value: number } | undefined)?.value ?? 0;
    const value = Math.max(Math.floor(Date.now() / 1000), last + 1);
    if (value > 0xffffffff) throw new StoreError('LIMIT', 'No UIDVALIDITY values are left');
    this.stmt("INSERT INTO meta (key, value) VALUES ('last_uidvalidity', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value").run(value);
    return value;
  }

  /** Drops one reference per entry (an id may repeat); deletes the rows nobody refers to any more (inline
   *  bytes go with them) and returns the ids of those among them that have a file, which reap() removes
   *  after the commit. Inside a write transaction. */
  deref(blobIds: Iterable<string>): string[] {
    const counts = new Map<string, number>();
    for (const id of blobIds) counts.set(id, (counts.get(id) ?? 0) + 1);
    const dead: string[] = [];
    const update = this.stmt('UPDATE blobs SET refcount = refcount - ? WHERE id = ? RETURNING refcount');
    const remove = this.stmt('DELETE FROM blobs WHERE id = ? RETURNING bytes IS NULL AS inFile');
    for (const [id, count] of counts) {
      const row = update.get(count, id) as { refcount: number } | undefined;
      if (row && row.refcount <= 0) {
        const removed = remove.get(id) as { inFile: number } | undefined;
        if (removed?.inFile === 1) dead.push(id);
      }
    }
    return dead;
  }

  /** Removes the files of blobs that have no row, after the commit that dropped them. The check and
   *  the unlink happen under the write lock, so an append of the same bytes (which checks the file
   *  under the same lock) cannot commit a reference to a file about to vanish. A crash before this
   *  runs leaves orphan files for collectOrphans(), never a dangling reference. */
  reap(ids: readonly string[]): void {
    const candidates = ids.filter((id) => !this.pendingBlobs.has(id));
    if (candidates.length === 0) return;
    this.write(() => {
      for (const id of candidates) if (!this.needsFile(id)) this.blobs.removeSync(id);
    });
  }

  hasBlobRow(id: string): boolean {
    return this.stmt('SELECT 1 FROM blobs WHERE id = ?').get(id) !== undefined;
  }

  /** Whether a row refers to the file of this content: a row with inline bytes needs none (a file
   *  may be left over from when the content was stored as a file, before its row went and came back). */
  needsFile(id: string): boolean {
    return this.stmt('SELECT 1 FROM blobs WHERE id = ? AND bytes IS NULL').get(id) !== undefined;
  }

  /** Removes blob files that no message refers to (for `postkeep check`); returns their ids. */
  async collectOrphans(minAgeMs?: number): Promise<string[]> {
    return this.blobs.collectOrphans(
      (id) =>
        !this.pendingBlobs.has(id) &&
        this.write(() => !this.needsFile(id) && this.blobs.removeSync(id)),
      minAgeMs,
    );
  }
}
