// The Store interface (DESIGN.md "The store interface"). The protocol layers (IMAP, POP3, LMTP) see
// mail only through this; every implementation passes test/store/conformance.ts. Async everywhere,
// even where SQLite answers synchronously, so that PostgreSQL fits the same shape.
import type { MessageSummary } from '../mime/types.js';

export type SpecialUse = '\\Drafts' | '\\Sent' | '\\Trash' | '\\Junk' | '\\Archive' | '\\All' | '\\Flagged';

export interface Account {
  readonly id: number;
  readonly login: string;
}

/** A SCRAM-SHA-256 verifier (RFC 5802 §3, RFC 7677): derived from the password, but not the password
 *  and not enough to log in with. Binary fields in base64. */
export interface ScramRecord {
  readonly iterations: number;
  readonly salt: string;
  readonly storedKey: string;
  readonly serverKey: string;
}

export interface AccountWithCredentials extends Account {
  /** Encoded password hash (src/auth/password.ts), never the password. */
  readonly passwordHash: string;
  /** SCRAM-SHA-256 credentials; null for an account made before SCRAM existed (derived at its next
   *  password login, src/auth/credentials.ts). */
  readonly scram?: ScramRecord | null;
}

export interface Mailbox {
  readonly id: number;
  readonly accountId: number;
  /** Full name in UTF-8 with "/" as the hierarchy delimiter; the inbox is always exactly "INBOX". */
  readonly name: string;
  readonly uidValidity: number;
  readonly uidNext: number;
  readonly highestModseq: number;
  readonly specialUse: SpecialUse | null;
  /** Stable id for OBJECTID MAILBOXID (RFC 8474). */
  readonly mailboxId: string;
}

/** Per-message metadata: what SELECT, FETCH FLAGS and the session views need. No summary, no bytes. */
export interface MessageMeta {
  readonly uid: number;
  readonly modseq: number;
  /** System flags (\Seen \Answered \Flagged \Deleted \Draft) and keywords, as stored (case kept). */
  readonly flags: readonly string[];
  /** INTERNALDATE, ms since the epoch. */
  readonly internalDate: number;
  /** SAVEDATE (RFC 8514), ms since the epoch. */
  readonly saveDate: number;
  readonly size: number;
  /** sha256 hex of the bytes; also the blob's key. */
  readonly blobId: string;
  readonly emailId: string;
  readonly threadId: string;
}

export interface MailboxStatus {
  readonly messages: number;
  readonly unseen: number;
  readonly deleted: number;
  /** Sum of message sizes (STATUS=SIZE, RFC 8438). */
  readonly size: number;
  readonly recent: number;
  readonly uidNext: number;
  readonly uidValidity: number;
  readonly highestModseq: number;
}

export interface MailboxWithStatus {
  readonly mailbox: Mailbox;
  readonly status: MailboxStatus;
}

/** Everything that happened in a mailbox after some MODSEQ: the one call behind IDLE, NOOP,
 *  other sessions' updates, CONDSTORE and QRESYNC. */
export interface MailboxChanges {
  readonly highestModseq: number;
  /** UIDs expunged with a MODSEQ above the one asked for, ascending. */
  readonly expunged: readonly number[];
  /** Messages added, or whose flags changed, with a MODSEQ above the one asked for, ascending by UID. */
  readonly changed: readonly MessageMeta[];
}

export interface AppendInput {
  readonly bytes: Buffer;
  readonly flags: readonly string[];
  /** ms since the epoch; now when absent */
  readonly internalDate?: number;
  /** Refuse with OVERQUOTA when the account's quota would be exceeded, checked in the same
   *  transaction that adds the message (delivery sets it; APPEND should too, issue #4). */
  readonly enforceQuota?: boolean;
}

export interface AppendResult {
  readonly uidValidity: number;
  readonly uid: number;
  readonly modseq: number;
}

export interface CopyResult {
  readonly uidValidity: number;
  /** [source UID, new UID] in ascending source order. */
  readonly mapping: ReadonlyArray<readonly [number, number]>;
}

export interface CopyOptions {
  /** Refuse with OVERQUOTA, all or nothing, when the copies would pass the quota (COPY; MOVE within one
   *  account adds nothing, so it does not ask). */
  readonly enforceQuota?: boolean;
}

export interface StoreFlagsResult {
  /** Messages whose flags changed (with their new MODSEQ and flags). */
  readonly updated: readonly MessageMeta[];
  /** UIDs left alone because their MODSEQ was above unchangedSince (RFC 7162 [MODIFIED]). */
  readonly modified: readonly number[];
}

/** Per-account limits (null = unlimited) and current usage over all its mailboxes (RFC 9208 STORAGE
 *  in bytes and MESSAGE). A message copied into two mailboxes counts twice, as in IMAP QUOTA. */
export interface Quota {
  readonly storageLimit: number | null;
  readonly messageLimit: number | null;
  readonly storageUsed: number;
  readonly messagesUsed: number;
}

/** What setQuota changes: an absent key keeps the current limit, null removes it. */
export interface QuotaLimits {
  readonly storage?: number | null;
  readonly messages?: number | null;
}

/** METADATA (RFC 5464 §4.2.2): how far below a named entry GETMETADATA looks. */
export type MetadataDepth = 0 | 1 | 'infinity';

/** One annotation: its name (lower-cased, e.g. "/private/comment") and value. */
export interface MetadataEntry {
  readonly name: string;
  readonly value: Buffer;
}

/** One SETMETADATA change: a value to set, or null to remove the entry. */
export interface MetadataChange {
  readonly name: string;
  readonly value: Buffer | null;
}

/** Why a store operation was refused. The IMAP layer maps each code to a response code. */
export type StoreErrorCode = 'NONEXISTENT' | 'ALREADYEXISTS' | 'INUSE' | 'CANNOT' | 'OVERQUOTA' | 'LIMIT' | 'TOOBIG';

export class StoreError extends Error {
  constructor(
    readonly code: StoreErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'StoreError';
  }
}

/** Called with (mailboxId, highestModseq) after every committed change to a mailbox. */
export type ChangeListener = (mailboxId: number, modseq: number) => void;

export interface Store {
  // --- accounts ---
  /** Creates the account with INBOX, Drafts, Sent, Trash, Junk, Archive (special-use set, all subscribed). */
  createAccount(login: string, passwordHash: string, scram?: ScramRecord | null): Promise<Account>;
  findAccount(login: string): Promise<AccountWithCredentials | null>;
  /** Replaces the password hash and the SCRAM credentials together (none when `scram` is omitted:
   *  a verifier of the old password must not outlive it). NONEXISTENT when there is no such account. */
  setPasswordHash(login: string, passwordHash: string, scram?: ScramRecord | null): Promise<void>;
  /** Sets the SCRAM credentials only while the password hash is still `passwordHash` (the one they were
   *  derived from at a login), so that a login racing a password change cannot restore the old one.
   *  False when the account is gone or its password changed. */
  setScramCredentials(login: string, passwordHash: string, scram: ScramRecord): Promise<boolean>;
  /** A random 32-byte secret kept in the store under `name`, made at the first call and the same ever
   *  after, for every process on this store (e.g. the fake SCRAM salts of unknown users). */
  serverSecret(name: string): Promise<Buffer>;
  /** Deletes the account, its mailboxes and messages; false when there was none. */
  deleteAccount(login: string): Promise<boolean>;
  listAccounts(): Promise<Account[]>;
  /** Limits and usage of the account; NONEXISTENT when there is none. Cheap (maintained counters). */
  getQuota(accountId: number): Promise<Quota>;
  /** Sets or removes limits (non-negative integers); NONEXISTENT when there is no such account. */
  setQuota(accountId: number, limits: QuotaLimits): Promise<void>;

  // --- mailboxes ---
  /** All mailboxes of the account, ordered by name. */
  listMailboxes(accountId: number): Promise<Mailbox[]>;
  /** By full name; "INBOX" matches case-insensitively (RFC 9051 §5.1). */
  getMailbox(accountId: number, name: string): Promise<Mailbox | null>;
  /** Fails with ALREADYEXISTS. Does not create parents (the IMAP layer does, RFC 9051 §6.3.4). */
  createMailbox(accountId: number, name: string, specialUse?: SpecialUse | null): Promise<Mailbox>;
  /** Deletes the mailbox and its messages (expunge log kept only until the mailbox goes). NONEXISTENT when missing. */
  deleteMailbox(accountId: number, name: string): Promise<void>;
  /** Renames the mailbox and every mailbox below it ("a" -> "b" renames "a/x" to "b/x"), keeping UIDVALIDITY.
   *  Renaming INBOX moves its messages into a new mailbox and leaves INBOX empty (RFC 9051 §6.3.6). */
  renameMailbox(accountId: number, from: string, to: string): Promise<void>;
  /** Subscriptions are names, kept even for mailboxes that do not exist (RFC 9051 §6.3.7). */
  setSubscribed(accountId: number, name: string, subscribed: boolean): Promise<void>;
  listSubscriptions(accountId: number): Promise<string[]>;
  mailboxStatus(mailboxId: number): Promise<MailboxStatus>;
  /** getMailbox and mailboxStatus in one read (one snapshot): what STATUS by name needs. */
  mailboxWithStatus(accountId: number, name: string): Promise<MailboxWithStatus | null>;
  /** The mailbox as it is now (fresh uidNext/highestModseq), or null if it was deleted. */
  getMailboxById(mailboxId: number): Promise<Mailbox | null>;

  // --- annotations (RFC 5464) ---
  /** The entries named and those below them up to `depth`, of the account's server annotations
   *  (mailboxId null) or of one of its mailboxes; ascending by name. NONEXISTENT for a mailbox
   *  that is not the account's. */
  getMetadata(accountId: number, mailboxId: number | null, entries: readonly string[], depth: MetadataDepth): Promise<MetadataEntry[]>;
  /** Sets or removes entries, all or nothing; LIMIT when more than maxEntries would exist there.
   *  Mailbox entries follow the mailbox through renames and go with it when it is deleted. */
  setMetadata(accountId: number, mailboxId: number | null, changes: readonly MetadataChange[], maxEntries: number): Promise<void>;

  // --- messages ---
  /** Durable before it resolves: bytes fsynced (file and directory), then the metadata committed. */
  appendMessage(mailboxId: number, input: AppendInput): Promise<AppendResult>;
  /** MULTIAPPEND (RFC 3502): every message or none. Durable like appendMessage (all bytes fsynced, then
   *  one commit); UIDs ascend in input order. When any input has enforceQuota, the quota is checked for
   *  the whole batch (OVERQUOTA refuses them all). An empty list adds nothing. */
  appendMessages(mailboxId: number, inputs: readonly AppendInput[]): Promise<AppendResult[]>;
  /** Every message, ascending by UID. */
  listMessages(mailboxId: number): Promise<MessageMeta[]>;
  changesSince(mailboxId: number, modseq: number): Promise<MailboxChanges>;
  /** The stored parsed summaries of these messages (never re-reads message files). */
  getSummaries(mailboxId: number, uids: readonly number[]): Promise<Map<number, MessageSummary>>;
  /** Decoded text of the body parts (text/* after transfer and charset decoding), for SEARCH BODY/TEXT. */
  getBodyText(blobId: string): Promise<string>;
  /** The message bytes [start, end) (whole message when omitted). */
  readMessage(blobId: string, start?: number, end?: number): Promise<Buffer>;
  /** A stream of the message bytes [start, end) for large bodies. */
  streamMessage(blobId: string, start?: number, end?: number): NodeJS.ReadableStream;
  /** Changes flags of the given UIDs (absent UIDs are ignored). The changed messages share one new
   *  MODSEQ, the mailbox's HIGHESTMODSEQ + 1, which nothing else gets (a session's view relies on it to
   *  take its own change in without a pull). A no-op spends no MODSEQ.
   *  With unchangedSince, messages whose MODSEQ is higher are left alone and reported (RFC 7162 §3.2). */
  storeFlags(
    mailboxId: number,
    uids: readonly number[],
    operation: 'replace' | 'add' | 'remove',
    flags: readonly string[],
    unchangedSince?: number,
  ): Promise<StoreFlagsResult>;
  /** Copies without writing bytes (the blob gains a reference). With enforceQuota, OVERQUOTA when the copies
   *  would pass the target account's quota, checked inside the copy's transaction (RFC 9208 §4.3.1). */
  copyMessages(fromMailboxId: number, uids: readonly number[], toMailboxId: number, options?: CopyOptions): Promise<CopyResult>;
  /** Copy then expunge in the source, in one transaction (RFC 6851). */
  moveMessages(fromMailboxId: number, uids: readonly number[], toMailboxId: number): Promise<CopyResult>;
  /** Expunges messages flagged \Deleted (only among `uids` when given). Returns the expunged UIDs, ascending. */
  expunge(mailboxId: number, uids?: readonly number[]): Promise<number[]>;
  /** \Recent (IMAP4rev1 only): the first session to claim a message sees it as recent. Returns the
   *  lowest UID that is recent for this caller; every UID from there up to uidNext-1 is now claimed. */
  claimRecent(mailboxId: number): Promise<number>;

  // --- change notification (DESIGN.md "Sessions see changes through the store") ---
  onChange(listener: ChangeListener): () => void;

  close(): Promise<void>;
}

/** Turns raw bytes into what is stored with a message at delivery (src/mime/analyze.ts). Injected
 *  into store implementations so that the store layer does not depend on the MIME parser. */
export interface MessageAnalyzer {
  (bytes: Buffer): { readonly summary: MessageSummary; readonly bodyText: string };
  /** With bodyTextLimit, bodyText may be null instead of a text longer than that many characters
   *  (the SQLite store keeps only short texts in its rows): an analyzer need not decode all of it. */
  (bytes: Buffer, bodyTextLimit: number): { readonly summary: MessageSummary; readonly bodyText: string | null };
  /** The same body text again from the bytes and their stored summary, without parsing them again:
   *  the SQLite store keeps long texts out of its rows (src/store/sqlite/body-text.ts). Without it, a
   *  store runs the whole analysis again. */
  readonly bodyText?: (bytes: Buffer, summary: MessageSummary) => string;
}
