// The embedded store (DESIGN.md): SQLite for metadata and the bytes of small messages, content-addressed
// files for the bytes of bigger ones (inline-blobs.ts).
// Each method is a thin async wrapper over a synchronous module function; the async shape is the
// Store contract's, so that PostgreSQL fits it too.
import Database from 'better-sqlite3';
import { mkdirSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { FileBlobStore } from '../blobs/file-blobs.js';
import type {
  Account,
  AccountWithCredentials,
  ScramRecord,
  AppendInput,
  AppendResult,
  ChangeListener,
  CopyOptions,
  CopyResult,
  Mailbox,
  MailboxChanges,
  MailboxStatus,
  MailboxWithStatus,
  MessageAnalyzer,
  MessageMeta,
  Quota,
  QuotaLimits,
  MetadataChange,
  MetadataDepth,
  MetadataEntry,
  SpecialUse,
  Store,
  StoreFlagsResult,
} from '../types.js';
import type { Envelope, MessageSummary } from '../../mime/types.js';
import * as accounts from './accounts.js';
import { SqliteContext } from './context.js';
import * as mailboxes from './mailboxes.js';
import * as messages from './messages.js';
import { appendMessage } from './append-one.js';
import { scanSearchHeaders } from './message-search.js';
import { migrate } from './migrations.js';
import * as mutations from './mutations.js';
import * as quotas from './quotas.js';
import * as metadata from './metadata.js';
import { appendMessages } from './append-batch.js';
import { INLINE_BLOB_MAX_BYTES, readBlob, streamBlob } from './inline-blobs.js';
import { ExternalChanges } from './external-changes.js';
import { MappedReader } from './mapped-reader.js';
import { ShutdownMarker } from './shutdown-marker.js';
import { WalCheckpointer } from './wal-checkpointer.js';

/** WAL pages between automatic checkpoints (64 MiB at SQLite's default 4 KiB pages). */
export const WAL_CHECKPOINT_PAGES = 16_000;
/** Bytes the WAL file is truncated to once a checkpoint has emptied it. */
const WAL_SIZE_LIMIT = 64 * 1024 * 1024;

export interface SqliteStoreOptions {
  /** Directory for postkeep.sqlite and blobs/. Created when missing. */
  readonly dataDir: string;
  /** Turns message bytes into the stored summary and search text (src/mime/analyze.ts). */
  readonly analyze: MessageAnalyzer;
  /** fsync blob files and run SQLite with synchronous=FULL (default true). Tests may turn it off for
   *  speed; without it, rule 1 does not hold across power loss. */
  readonly fsync?: boolean;
  /** How long a writer waits for another process's write lock, in ms (default 5000). */
  readonly busyTimeoutMs?: number;
  /** Messages up to this many bytes are stored in the database, bigger ones in files (default
   *  INLINE_BLOB_MAX_BYTES; tests of the file paths set -1: every message in a file). */
  readonly inlineBlobMaxBytes?: number;
  /** Read message bytes stored in rows through a memory map (mapped-reader.ts; default true). */
  readonly mmap?: boolean;
  /** Tell this process's sessions of other processes' commits (external-changes.ts; default true).
   *  One-shot CLI commands have no sessions and turn it off. */
  readonly listen?: boolean;
}

export const DATABASE_FILE = 'postkeep.sqlite';
export const BLOB_DIR = 'blobs';

export class SqliteStore implements Store {
  private closed = false;

  private constructor(
    private readonly ctx: SqliteContext,
    /** The last handle on this database did not close (crash, power cut, SIGKILL), so every mailbox's
     *  HIGHESTMODSEQ and UIDNEXT were moved ahead at this open (shutdown-marker.ts). For the server's log. */
    readonly recoveredFromUncleanShutdown: boolean,
    /** Tells sessions of other processes' commits (external-changes.ts); null when not listening. */
    private readonly external: ExternalChanges | null,
  ) {}

  static open(options: SqliteStoreOptions): SqliteStore {
    const fsync = options.fsync ?? true;
    mkdirSync(options.dataDir, { recursive: true });
    const db = new Database(join(options.dataDir, DATABASE_FILE));
    let marker: ShutdownMarker;
    let recovered: boolean;
    try {
      db.pragma('journal_mode = WAL');
      // Durability (rule 1): in WAL mode, synchronous=FULL fsyncs the WAL at every commit, so a commit
      // that has returned survives a power cut. NORMAL would fsync only at checkpoints: a crash of the
      // process would still be safe, but a power cut could lose the last commits after the client
      // got its OK. So FULL; the cost is one fsync per transaction (batch work into transactions).
      // Appends commit in groups with NORMAL and fsync the WAL in the thread pool before answering
      // (context.ts writeGrouped): the same promise, without the event loop waiting for the disk.
      db.pragma(`synchronous = ${fsync ? 'FULL' : 'OFF'}`);
      db.pragma('foreign_keys = ON');
      // Checkpoint the WAL into the database every WAL_CHECKPOINT_PAGES instead of SQLite's 1000: the
      // pages every append dirties again (the mailbox and quota rows, B-tree interior pages) are copied
      // once per checkpoint, so fewer checkpoints write much less. Measured (bench append/lmtp, --quick,
      // 3 alternating runs): APPEND 4 KB ~600 -> ~740 msg/s, 200 KB ~230 -> ~315, LMTP ~450 -> ~650.
      // The WAL is cut back to WAL_SIZE_LIMIT after a checkpoint that reset it. With fsync on, most of
      // the copying is done beforehand by a worker thread (wal-checkpointer.ts), off the event loop.
      db.pragma(`wal_autocheckpoint = ${WAL_CHECKPOINT_PAGES}`);
      db.pragma(`journal_size_limit = ${WAL_SIZE_LIMIT}`);
      db.pragma(`busy_timeout = ${options.busyTimeoutMs ?? 5000}`);
      migrate(db);
      // Before anything is served. (Without fsync, tests only, writeRelaxed records no handle: nothing is durable then.)
      marker = new ShutdownMarker(db, realpathSync(join(options.dataDir, DATABASE_FILE)));
      recovered = marker.recover();
    } catch (err) {
      db.close();
      throw err;
    }
    const blobs = new FileBlobStore(join(options.dataDir, BLOB_DIR), { fsync });
    const ctx = new SqliteContext(db, blobs, options.analyze, marker, options.inlineBlobMaxBytes ?? INLINE_BLOB_MAX_BYTES);
    if (fsync) ctx.checkpointer = new WalCheckpointer(db.name);
    if (options.mmap ?? true) ctx.mapped = new MappedReader(db.name);
    const external = options.listen === false ? null : new ExternalChanges(db, ctx.watched, ctx.notifier);
    external?.start();
    return new SqliteStore(ctx, recovered, external);
  }

  /** The background WAL checkpointer (wal-checkpointer.ts), null without fsync; for diagnostics and tests. */
  get walCheckpointer(): WalCheckpointer | null {
    return this.ctx.checkpointer;
  }

  /** The blob file store (for `postkeep check` and tests). */
  get blobs(): FileBlobStore {
    return this.ctx.blobs;
  }

  /** Removes blob files that no message refers to, older than minAgeMs (default one hour, so that an
   *  append in another process between its write and its commit keeps its file). Returns their ids. */
  collectOrphans(minAgeMs?: number): Promise<string[]> {
    return this.ctx.collectOrphans(minAgeMs);
  }

  // --- accounts ---
  async createAccount(login: string, passwordHash: string, scram?: ScramRecord | null): Promise<Account> {
    return accounts.createAccount(this.ctx, login, passwordHash, scram ?? null);
  }
  async findAccount(login: string): Promise<AccountWithCredentials | null> {
    return accounts.findAccount(this.ctx, login);
  }
  async setPasswordHash(login: string, passwordHash: string, scram?: ScramRecord | null): Promise<void> {
    accounts.setPasswordHash(this.ctx, login, passwordHash, scram ?? null);
  }
  async setScramCredentials(login: string, passwordHash: string, scram: ScramRecord): Promise<boolean> {
    return accounts.setScramCredentials(this.ctx, login, passwordHash, scram);
  }
  async serverSecret(name: string): Promise<Buffer> {
    return accounts.serverSecret(this.ctx, name);
  }
  async deleteAccount(login: string): Promise<boolean> {
    return accounts.deleteAccount(this.ctx, login);
  }
  async listAccounts(): Promise<Account[]> {
    return accounts.listAccounts(this.ctx);
  }
  async getQuota(accountId: number): Promise<Quota> {
    return quotas.getQuota(this.ctx, accountId);
  }
  async setQuota(accountId: number, limits: QuotaLimits): Promise<void> {
    quotas.setQuota(this.ctx, accountId, limits);
  }
  async getMetadata(accountId: number, mailboxId: number | null, entries: readonly string[], depth: MetadataDepth): Promise<MetadataEntry[]> {
    return metadata.getMetadata(this.ctx, accountId, mailboxId, entries, depth);
  }
  async setMetadata(accountId: number, mailboxId: number | null, changes: readonly MetadataChange[], maxEntries: number): Promise<void> {
    metadata.setMetadata(this.ctx, accountId, mailboxId, changes, maxEntries);
  }

  // --- mailboxes ---
  async listMailboxes(accountId: number): Promise<Mailbox[]> {
    return mailboxes.listMailboxes(this.ctx, accountId);
  }
  async getMailbox(accountId: number, name: string): Promise<Mailbox | null> {
    return mailboxes.getMailbox(this.ctx, accountId, name);
  }
  async createMailbox(accountId: number, name: string, specialUse?: SpecialUse | null): Promise<Mailbox> {
    return mailboxes.createMailbox(this.ctx, accountId, name, specialUse ?? null);
  }
  async deleteMailbox(accountId: number, name: string): Promise<void> {
    mailboxes.deleteMailbox(this.ctx, accountId, name);
  }
  async renameMailbox(accountId: number, from: string, to: string): Promise<void> {
    mailboxes.renameMailbox(this.ctx, accountId, from, to);
  }
  async setSubscribed(accountId: number, name: string, subscribed: boolean): Promise<void> {
    mailboxes.setSubscribed(this.ctx, accountId, name, subscribed);
  }
  async listSubscriptions(accountId: number): Promise<string[]> {
    return mailboxes.listSubscriptions(this.ctx, accountId);
  }
  async mailboxStatus(mailboxId: number): Promise<MailboxStatus> {
    return mailboxes.mailboxStatus(this.ctx, mailboxId);
  }

  async mailboxWithStatus(accountId: number, name: string): Promise<MailboxWithStatus | null> {
    return mailboxes.mailboxWithStatus(this.ctx, accountId, name);
  }
  async getMailboxById(mailboxId: number): Promise<Mailbox | null> {
    return mailboxes.getMailboxById(this.ctx, mailboxId);
  }

  // --- messages ---
  appendMessage(mailboxId: number, input: AppendInput): Promise<AppendResult> {
    return appendMessage(this.ctx, mailboxId, input);
  }
  appendMessages(mailboxId: number, inputs: readonly AppendInput[]): Promise<AppendResult[]> {
    return appendMessages(this.ctx, mailboxId, inputs);
  }
  async listMessages(mailboxId: number): Promise<MessageMeta[]> {
    return messages.listMessages(this.ctx, mailboxId);
  }
  async changesSince(mailboxId: number, modseq: number): Promise<MailboxChanges> {
    return messages.changesSince(this.ctx, mailboxId, modseq);
  }
  async getSummaries(mailboxId: number, uids: readonly number[]): Promise<Map<number, MessageSummary>> {
    return messages.getSummaries(this.ctx, mailboxId, uids);
  }
  /** Not part of Store: SEARCH uses it when present (src/imap/commands/search.ts), else summaries. */
  async getSearchHeaderText(mailboxId: number, uids: readonly number[]): Promise<Map<number, string | null>> {
    return messages.getSearchHeaderText(this.ctx, mailboxId, uids);
  }
  /** Not part of Store: SEARCH SENT* use it when present, else summaries. */
  async getSentDates(mailboxId: number, uids: readonly number[]): Promise<Map<number, MessageSummary['sentDate']>> {
    return messages.getSentDates(this.ctx, mailboxId, uids);
  }
  /** Not part of Store: SEARCH header keys scan with it when present (message-search.ts). */
  async scanSearchHeaders(mailboxId: number, needles: readonly string[], firstUid: number, lastUid: number): Promise<Map<number, string | null>> {
    return scanSearchHeaders(this.ctx, mailboxId, needles, firstUid, lastUid);
  }
  /** Not part of Store: FETCH ENVELOPE uses it when present (src/imap/commands/fetch.ts), else summaries. */
  async getEnvelopes(mailboxId: number, uids: readonly number[]): Promise<Map<number, Envelope>> {
    return messages.getEnvelopes(this.ctx, mailboxId, uids);
  }
  /** Not part of Store: FETCH ENVELOPE uses it when present: the IMAP text where it is stored. */
  async getEnvelopeTexts(mailboxId: number, uids: readonly number[]): Promise<Map<number, string | Envelope>> {
    return messages.getEnvelopeTexts(this.ctx, mailboxId, uids);
  }
  async getBodyText(blobId: string): Promise<string> {
    return messages.getBodyText(this.ctx, blobId);
  }
  readMessage(blobId: string, start?: number, end?: number): Promise<Buffer> {
    return readBlob(this.ctx.db, this.ctx.blobs, blobId, start, end, this.ctx.mapped);
  }
  streamMessage(blobId: string, start?: number, end?: number): Readable {
    return streamBlob(this.ctx.db, this.ctx.blobs, blobId, start, end, this.ctx.mapped);
  }
  async storeFlags(
    mailboxId: number,
    uids: readonly number[],
    operation: 'replace' | 'add' | 'remove',
    flags: readonly string[],
    unchangedSince?: number,
  ): Promise<StoreFlagsResult> {
    return mutations.storeFlags(this.ctx, mailboxId, uids, operation, flags, unchangedSince);
  }
  async copyMessages(fromMailboxId: number, uids: readonly number[], toMailboxId: number, options?: CopyOptions): Promise<CopyResult> {
    return mutations.copyMessages(this.ctx, fromMailboxId, uids, toMailboxId, options);
  }
  async moveMessages(fromMailboxId: number, uids: readonly number[], toMailboxId: number): Promise<CopyResult> {
    return mutations.moveMessages(this.ctx, fromMailboxId, uids, toMailboxId);
  }
  async expunge(mailboxId: number, uids?: readonly number[]): Promise<number[]> {
    return mutations.expunge(this.ctx, mailboxId, uids);
  }
  async claimRecent(mailboxId: number): Promise<number> {
    return mailboxes.claimRecent(this.ctx, mailboxId);
  }

  onChange(listener: ChangeListener): () => void {
    return this.ctx.notifier.on(listener);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.external?.stop();
    try {
      await this.ctx.checkpointer?.close();
      await this.ctx.walSync.close();
      this.ctx.marker.release();
    } finally {
      this.ctx.mapped?.close();
      this.ctx.db.close();
    }
  }
}

export async function openSqliteStore(options: SqliteStoreOptions): Promise<SqliteStore> {
  return SqliteStore.open(options);
}
