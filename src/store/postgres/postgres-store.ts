// The scale-out store (DESIGN.md): everything, message bytes included, in one PostgreSQL database,
// so that any number of Postkeep nodes share nothing else. Changes reach the other nodes' sessions
// through LISTEN/NOTIFY (listener.ts).
import pg from 'pg';
import type { Readable } from 'node:stream';
import type { Envelope, MessageSummary } from '../../mime/types.js';
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
  MetadataChange,
  MetadataDepth,
  MetadataEntry,
  Quota,
  QuotaLimits,
  SpecialUse,
  Store,
  StoreFlagsResult,
} from '../types.js';
import * as accounts from './accounts.js';
import { appendMessages } from './append-batch.js';
import { PG_TYPES, PgContext } from './context.js';
import { NotificationListener } from './listener.js';
import * as mailboxes from './mailboxes.js';
import * as messages from './messages.js';
import * as metadata from './metadata.js';
import * as mutations from './mutations.js';
import * as quotas from './quotas.js';
import { getEnvelopeTexts } from './envelope-text.js';
import { migrate } from './schema.js';
import * as searchHeaders from './search-headers.js';

export interface PostgresStoreOptions {
  /** postgres://user:password@host:port/database (libpq-style; ?host=/var/run/postgresql for a socket). */
  readonly url: string;
  /** Connections in the pool (default 10), plus one for LISTEN. */
  readonly poolSize?: number;
  /** Turns message bytes into the stored summary and search text (src/mime/analyze.ts). */
  readonly analyze: MessageAnalyzer;
  /** LISTEN for other nodes' changes (default true). One-shot commands (CLI) turn it off. */
  readonly listen?: boolean;
  /** Listener connection problems (lost, retrying), for the log. */
  readonly onProblem?: (err: Error, retryInMs: number) => void;
}

export const DEFAULT_POOL_SIZE = 10;

export class PostgresStore implements Store {
  private closed = false;

  private constructor(
    private readonly ctx: PgContext,
    private readonly listener: NotificationListener | null,
  ) {}

  static async open(options: PostgresStoreOptions): Promise<PostgresStore> {
    const pool = new pg.Pool({ connectionString: options.url, max: options.poolSize ?? DEFAULT_POOL_SIZE, types: PG_TYPES, application_name: 'postkeep' });
    // An idle pooled connection that dies (server restart) must not crash the process; the next
    // query gets a fresh connection.
    pool.on('error', () => undefined);
    let listener: NotificationListener | null = null;
    try {
      const client = await pool.connect();
      try {
        await migrate(client);
      } finally {
        client.release();
      }
      const ctx = new PgContext(pool, options.analyze);
      if (options.listen ?? true) {
        listener = new NotificationListener({
          connectionString: options.url,
          onChange: (node, mailboxId, modseq) => {
            if (node !== ctx.node) ctx.notifier.emit(mailboxId, modseq);
          },
          onReconnect: () => void resync(ctx),
          ...(options.onProblem ? { onProblem: options.onProblem } : {}),
        });
        await listener.start();
      }
      return new PostgresStore(ctx, listener);
    } catch (err) {
      await listener?.close();
      await pool.end().catch(() => undefined);
      throw err;
    }
  }

  /** Whether the LISTEN connection is up, and how often it was re-established (operations, tests). */
  get listenerState(): { connected: boolean; reconnects: number } {
    return { connected: this.listener?.connected ?? false, reconnects: this.listener?.reconnects ?? 0 };
  }

  // --- accounts ---
  createAccount(login: string, passwordHash: string, scram?: ScramRecord | null): Promise<Account> {
    return accounts.createAccount(this.ctx, login, passwordHash, scram ?? null);
  }
  findAccount(login: string): Promise<AccountWithCredentials | null> {
    return accounts.findAccount(this.ctx, login);
  }
  setPasswordHash(login: string, passwordHash: string, scram?: ScramRecord | null): Promise<void> {
    return accounts.setPasswordHash(this.ctx, login, passwordHash, scram ?? null);
  }
  setScramCredentials(login: string, passwordHash: string, scram: ScramRecord): Promise<boolean> {
    return accounts.setScramCredentials(this.ctx, login, passwordHash, scram);
  }
  serverSecret(name: string): Promise<Buffer> {
    return accounts.serverSecret(this.ctx, name);
  }
  deleteAccount(login: string): Promise<boolean> {
    return accounts.deleteAccount(this.ctx, login);
  }
  listAccounts(): Promise<Account[]> {
    return accounts.listAccounts(this.ctx);
  }
  getQuota(accountId: number): Promise<Quota> {
    return quotas.getQuota(this.ctx, accountId);
  }
  setQuota(accountId: number, limits: QuotaLimits): Promise<void> {
    return quotas.setQuota(this.ctx, accountId, limits);
  }
  getMetadata(accountId: number, mailboxId: number | null, entries: readonly string[], depth: MetadataDepth): Promise<MetadataEntry[]> {
    return metadata.getMetadata(this.ctx, accountId, mailboxId, entries, depth);
  }
  setMetadata(accountId: number, mailboxId: number | null, changes: readonly MetadataChange[], maxEntries: number): Promise<void> {
    return metadata.setMetadata(this.ctx, accountId, mailboxId, changes, maxEntries);
  }

  // --- mailboxes ---
  listMailboxes(accountId: number): Promise<Mailbox[]> {
    return mailboxes.listMailboxes(this.ctx, accountId);
  }
  getMailbox(accountId: number, name: string): Promise<Mailbox | null> {
    return mailboxes.getMailbox(this.ctx, accountId, name);
  }
  createMailbox(accountId: number, name: string, specialUse?: SpecialUse | null): Promise<Mailbox> {
    return mailboxes.createMailbox(this.ctx, accountId, name, specialUse ?? null);
  }
  deleteMailbox(accountId: number, name: string): Promise<void> {
    return mailboxes.deleteMailbox(this.ctx, accountId, name);
  }
  renameMailbox(accountId: number, from: string, to: string): Promise<void> {
    return mailboxes.renameMailbox(this.ctx, accountId, from, to);
  }
  setSubscribed(accountId: number, name: string, subscribed: boolean): Promise<void> {
    return mailboxes.setSubscribed(this.ctx, accountId, name, subscribed);
  }
  listSubscriptions(accountId: number): Promise<string[]> {
    return mailboxes.listSubscriptions(this.ctx, accountId);
  }
  mailboxStatus(mailboxId: number): Promise<MailboxStatus> {
    return mailboxes.mailboxStatus(this.ctx, mailboxId);
  }
  mailboxWithStatus(accountId: number, name: string): Promise<MailboxWithStatus | null> {
    return mailboxes.mailboxWithStatus(this.ctx, accountId, name);
  }
  getMailboxById(mailboxId: number): Promise<Mailbox | null> {
    return mailboxes.getMailboxById(this.ctx, mailboxId);
  }

  // --- messages ---
  appendMessage(mailboxId: number, input: AppendInput): Promise<AppendResult> {
    return messages.appendMessage(this.ctx, mailboxId, input);
  }
  appendMessages(mailboxId: number, inputs: readonly AppendInput[]): Promise<AppendResult[]> {
    return appendMessages(this.ctx, mailboxId, inputs);
  }
  listMessages(mailboxId: number): Promise<MessageMeta[]> {
    return messages.listMessages(this.ctx, mailboxId);
  }
  changesSince(mailboxId: number, modseq: number): Promise<MailboxChanges> {
    return messages.changesSince(this.ctx, mailboxId, modseq);
  }
  getSummaries(mailboxId: number, uids: readonly number[]): Promise<Map<number, MessageSummary>> {
    return messages.getSummaries(this.ctx, mailboxId, uids);
  }

  /** FETCH (ENVELOPE)'s text per UID, outside the Store interface (envelope-text.ts). */
  getEnvelopeTexts(mailboxId: number, uids: readonly number[]): Promise<Map<number, string | Envelope>> {
    return getEnvelopeTexts(this.ctx, mailboxId, uids);
  }
  /** Not part of Store: SEARCH header keys use these when present (src/imap/commands/search.ts). */
  getSearchHeaderText(mailboxId: number, uids: readonly number[]): Promise<Map<number, string | null>> {
    return searchHeaders.getSearchHeaderText(this.ctx, mailboxId, uids);
  }
  scanSearchHeaders(mailboxId: number, needles: readonly string[], firstUid: number, lastUid: number): Promise<Map<number, string | null>> {
    return searchHeaders.scanSearchHeaders(this.ctx, mailboxId, needles, firstUid, lastUid);
  }
  getSentDates(mailboxId: number, uids: readonly number[]): Promise<Map<number, MessageSummary['sentDate']>> {
    return searchHeaders.getSentDates(this.ctx, mailboxId, uids);
  }
  getBodyText(blobId: string): Promise<string> {
    return messages.getBodyText(this.ctx, blobId);
  }
  readMessage(blobId: string, start?: number, end?: number): Promise<Buffer> {
    return messages.readMessage(this.ctx, blobId, start, end);
  }
  streamMessage(blobId: string, start?: number, end?: number): Readable {
    return messages.streamMessage(this.ctx, blobId, start, end);
  }
  storeFlags(
    mailboxId: number,
    uids: readonly number[],
    operation: 'replace' | 'add' | 'remove',
    flags: readonly string[],
    unchangedSince?: number,
  ): Promise<StoreFlagsResult> {
    return mutations.storeFlags(this.ctx, mailboxId, uids, operation, flags, unchangedSince);
  }
  copyMessages(fromMailboxId: number, uids: readonly number[], toMailboxId: number, options?: CopyOptions): Promise<CopyResult> {
    return mutations.copyMessages(this.ctx, fromMailboxId, uids, toMailboxId, options);
  }
  moveMessages(fromMailboxId: number, uids: readonly number[], toMailboxId: number): Promise<CopyResult> {
    return mutations.moveMessages(this.ctx, fromMailboxId, uids, toMailboxId);
  }
  expunge(mailboxId: number, uids?: readonly number[]): Promise<number[]> {
    return mutations.expunge(this.ctx, mailboxId, uids);
  }
  claimRecent(mailboxId: number): Promise<number> {
    return mailboxes.claimRecent(this.ctx, mailboxId);
  }

  onChange(listener: ChangeListener): () => void {
    return this.ctx.notifier.on(listener);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.listener?.close();
    await this.ctx.pool.end();
  }
}

/** After a lost LISTEN connection: changes of the outage were not announced, so every mailbox this
 *  node's sessions look at gets a wake-up with its current HIGHESTMODSEQ (sessions that are up to
 *  date ignore it; the others ask changesSince). */
async function resync(ctx: PgContext): Promise<void> {
  const ids = ctx.watched.ids();
  if (ids.length === 0) return;
  try {
    const rows = (await ctx.query<{ id: number; highestmodseq: number }>('SELECT id, highestmodseq FROM mailboxes WHERE id = ANY($1::bigint[])', [ids])).rows;
    const found = new Set(rows.map((r) => r.id));
    for (const row of rows) ctx.notifier.emit(row.id, row.highestmodseq);
    // Deleted meanwhile: a wake-up makes their sessions find them gone.
    for (const id of ids) if (!found.has(id)) ctx.notifier.emit(id, Number.MAX_SAFE_INTEGER);
  } catch {
    // The database is still unreachable: sessions will find out on their next command.
  }
}

export async function openPostgresStore(options: PostgresStoreOptions): Promise<PostgresStore> {
  return PostgresStore.open(options);
}
