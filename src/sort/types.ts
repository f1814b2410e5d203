// What SORT and THREAD work on (RFC 5256): the matching messages of the selected view, each with
// its metadata and stored summary (null when the store has none: every header is then absent).
import type { MessageMeta } from '../store/types.js';
import type { MessageSummary } from '../mime/types.js';

export interface SortItem {
  /** Message sequence number: the final tie-breaker (RFC 5256 §3 SORT, §2.2). */
  readonly msn: number;
  readonly meta: MessageMeta;
  /** The parts of the stored summary the criteria read (SortNeeds); null: the store has none. */
  readonly summary: SortFacts | null;
}

/** Parts of a message's summary: all of them, or only those a command needs (sortNeeds), which the
 *  store can read without parsing the whole summary. */
export type SortFacts = Partial<Pick<MessageSummary, 'envelope' | 'sentDate' | 'headers'>>;

/** What a SORT or THREAD reads per message beyond its metadata. */
export interface SortNeeds {
  /** The Date: header (DATE, and THREAD's ordering). */
  readonly sentDate: boolean;
  /** The envelope (SUBJECT and the address keys). */
  readonly envelope: boolean;
  /** Every header field (THREAD=REFERENCES: Message-ID, References, In-Reply-To). */
  readonly headers: boolean;
}

/** RFC 5256 §3 sort-key, plus DISPLAYFROM/DISPLAYTO (RFC 5957). */
export type SortKeyName = 'ARRIVAL' | 'CC' | 'DATE' | 'FROM' | 'SIZE' | 'SUBJECT' | 'TO' | 'DISPLAYFROM' | 'DISPLAYTO';

/** What THREAD=REFERENCES reads of one message (RFC 5256 §3), on its own so that it can be kept. */
export interface ThreadFacts {
  /** The first valid msg-id of Message-ID, normalized (message-id.ts); null: none. */
  readonly messageId: string | null;
  /** References' msg-ids, or else In-Reply-To's first (step 1A). */
  readonly references: readonly string[];
  /** Collation key of the base subject (step 5), and whether the subject was a reply or forward. */
  readonly subject: string;
  readonly reply: boolean;
  /** The sent date (§2.2) steps 4 and 6 sort by. */
  readonly sentDate: number;
}

/** The value of one criterion for one message: a number, or a collation key (string). */
export type SortKeyOf = (item: SortItem, key: SortKeyName) => number | string;

export interface SortCriterion {
  readonly key: SortKeyName;
  readonly reverse: boolean;
}

/** A thread tree node; `uid` null is a dummy (a message that is referenced but not present). */
export interface ThreadNode {
  readonly uid: number | null;
  readonly children: readonly ThreadNode[];
}
