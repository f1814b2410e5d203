// Header keys over a big mailbox in one store pass (SearchContext.scanHeaderText). Every header
// test (HEADER, FROM, TO, CC, BCC, SUBJECT, and TEXT's header half) can only be true on a header
// text that contains its search string (folded) or, for an empty one, its "name: " line start. The
// store returns only the messages whose text contains one of those strings; the others get an empty
// header text, on which every such test is false exactly as on their real text. So the result is the
// one the per-message path gives, with JS work in proportion to the hits, not to the mailbox.
import type { SearchKey } from '../imap/wire/ast.js';
import type { Candidate } from './candidate.js';
import { foldCase } from './fold.js';
import type { MessageWalk, SearchContext } from './types.js';

/** One SQL parameter each; a search with more header keys than this takes the per-message path. */
const MAX_NEEDLES = 32;
/** Scan only when the candidates are at least 1/8 of the messages in their UID range: a scanned row
 *  costs several times less than a per-UID load, but a few candidates in a big range are cheaper alone. */
const SCAN_DENSITY = 8;

/** Stands for "contains none of the scanned strings": every header test is false on it. */
const NO_HIT = '';

/** The strings one of which a message's header text must contain for some header key of `key` to
 *  be true on it (as compile.ts tests them); null when a scan cannot stand in for the tests. */
export function headerNeedles(key: SearchKey): string[] | null {
  const needles = new Set<string>();
  const visit = (k: SearchKey): void => {
    switch (k.kind) {
      case 'and':
        k.keys.forEach(visit);
        return;
      case 'or':
        visit(k.left);
        visit(k.right);
        return;
      case 'not':
        visit(k.key);
        return;
      case 'header': {
        // Candidate.headerMatches: a "name: " line whose value includes the needle.
        const needle = foldCase(k.value);
        needles.add(needle === '' ? `${k.field.toLowerCase()}: ` : needle);
        return;
      }
      case 'text': {
        // TEXT "" is true without reading anything; otherwise the header half is `includes`.
        const needle = foldCase(k.value);
        if (needle !== '') needles.add(needle);
        return;
      }
      default:
        return;
    }
  };
  visit(key);
  const list = [...needles];
  // The store matches UTF-8 bytes: a lone surrogate would not survive the trip to the same bytes,
  // and PostgreSQL text holds no NUL.
  if (list.length > MAX_NEEDLES || list.some((n) => /\p{Cs}|\0/u.test(n))) return null;
  return list;
}

/**
 * Sets the header text of `pending` from one scan over their UID range. Returns the candidates the
 * scan could not judge (the store keeps no text for them), or null when no scan was made (not
 * worth it, or not possible): then all of `pending` still need their header text.
 */
export async function scanHeaders(
  key: SearchKey,
  pending: readonly Candidate[],
  ctx: Pick<SearchContext, 'scanHeaderText' | 'countInUidRange'>,
  walk: MessageWalk,
): Promise<Candidate[] | null> {
  const scan = ctx.scanHeaderText;
  if (scan === undefined || pending.length === 0) return null;
  let first = Infinity;
  let last = -Infinity;
  for (const c of pending) {
    first = Math.min(first, c.msg.meta.uid);
    last = Math.max(last, c.msg.meta.uid);
  }
  // The scan reads every message of the mailbox in the range, not only those the search looks at
  // (a UID set or DELETED may have narrowed it to a few spread far apart).
  let inRange = ctx.countInUidRange?.(first, last) ?? 0;
  if (ctx.countInUidRange === undefined) {
    walk((_msn, meta) => {
      if (meta.uid >= first && meta.uid <= last) inRange++;
    });
  }
  if (pending.length * SCAN_DENSITY < inRange) return null;
  const needles = headerNeedles(key);
  if (needles === null) return null;
  const found = await scan(needles, first, last);
  const unknown: Candidate[] = [];
  for (const c of pending) {
    const text = found.get(c.msg.meta.uid);
    if (text === undefined) c.headerText = NO_HIT;
    else if (text === null) unknown.push(c);
    else c.headerText = text;
  }
  return unknown;
}
