// What SORT and THREAD work on (RFC 5256): the matching messages of the selected view, each with
// its metadata and stored summary (null when the store has none: every header is then absent).
import type { MessageMeta } from '../store/types.js';
import type { MessageSummary } from '../mime/types.js';

export interface SortItem {
  /** Message sequence number: the final tie-breaker (RFC 5256 §3 SORT, §2.2). */
  readonly msn: number;
  readonly meta: MessageMeta;
  readonly summary: MessageSummary | null;
}

/** RFC 5256 §3 sort-key, plus DISPLAYFROM/DISPLAYTO (RFC 5957). */
export type SortKeyName = 'ARRIVAL' | 'CC' | 'DATE' | 'FROM' | 'SIZE' | 'SUBJECT' | 'TO' | 'DISPLAYFROM' | 'DISPLAYTO';

export interface SortCriterion {
  readonly key: SortKeyName;
  readonly reverse: boolean;
}

/** A thread tree node; `uid` null is a dummy (a message that is referenced but not present). */
export interface ThreadNode {
  readonly uid: number | null;
  readonly children: readonly ThreadNode[];
}
