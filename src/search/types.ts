// What SEARCH evaluates against (RFC 9051 §6.4.4): the selected view plus lazy loaders, so that
// summaries and body texts are read only when a key needs them and only for remaining candidates.
import type { MessageMeta } from '../store/types.js';
import type { MessageSummary } from '../mime/types.js';

/** The Date: header of a message (MessageSummary.sentDate); null when missing or unparseable. */
export type SentDate = MessageSummary['sentDate'];

export interface SearchMessage {
  readonly msn: number;
  readonly meta: MessageMeta;
  /** \Recent for this session (IMAP4rev1 only; always false under IMAP4rev2). */
  readonly recent: boolean;
}

/** Calls fn for each message in MSN order. */
export type MessageWalk = (fn: (msn: number, meta: MessageMeta, recent: boolean) => void) => void;

export interface SearchContext {
  /** The selected view, ascending by msn; or only the messages some key limits the search to
   *  (searchScope), with lastMsn and highestUid then given for the whole view. As a function: a walk
   *  over them (no object per message unless it needs more than its metadata to be judged). */
  readonly messages: readonly SearchMessage[] | MessageWalk;
  /** `*` in a sequence set: the view's message count; the last of `messages` when absent. */
  readonly lastMsn?: number;
  /** `*` in a UID set: the view's highest UID; the highest of `messages` when absent. */
  readonly highestUid?: number;
  /** Batched; called only when a key needs headers or the Date: header. A UID missing from the
   *  answer is treated as a message without header fields. */
  loadSummaries(uids: readonly number[]): Promise<Map<number, MessageSummary>>;
  /** Optional and cheaper than loadSummaries for header keys (FROM, SUBJECT, HEADER, TEXT): per UID
   *  the folded header text, one "name: value\n" line per field (as Candidate.foldedHeaderText);
   *  null where the store has none (that message's summary is loaded instead). */
  loadHeaderText?(uids: readonly number[]): Promise<Map<number, string | null>>;
  /** Optional, for big searches with header keys: one pass over the messages with
   *  firstUid <= uid <= lastUid, answering per UID whose folded header text (as loadHeaderText's)
   *  contains at least one of `needles` (plain substring) that text, and null where the store has
   *  none. A UID left out has a header text that contains none of the needles. */
  scanHeaderText?(needles: readonly string[], firstUid: number, lastUid: number): Promise<Map<number, string | null>>;
  /** How many messages of the mailbox have firstUid <= uid <= lastUid: what scanHeaderText passes
   *  over, when `messages` holds only some of them. Counted from `messages` when absent. */
  countInUidRange?(firstUid: number, lastUid: number): number;
  /** Optional and cheaper than loadSummaries for SENT* keys: per UID the Date: header only. A UID
   *  missing from the answer is treated as a message without one. */
  loadSentDates?(uids: readonly number[]): Promise<Map<number, SentDate>>;
  /** Decoded text of the body parts; called only for BODY/TEXT keys, per remaining candidate. */
  loadBodyText(meta: MessageMeta): Promise<string>;
  /** SEARCHRES "$" (RFC 5182): UIDs of the saved result, or null when none was saved. */
  readonly savedResult: readonly number[] | null;
  /** Current time in ms, for OLDER/YOUNGER (RFC 5032). */
  readonly now: number;
}
