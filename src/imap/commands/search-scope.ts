// Which messages SEARCH (and SORT) must look at. A UID or message-number set ANDed with the other
// keys, as in `UID SEARCH UID 5001:* UNDELETED` (how a syncing client asks what is new), names every
// message that can match: only those are judged, found in the view, instead of a pass over the
// whole mailbox (14.5 ms per SEARCH on a 100,000-message mailbox, whatever it asked). DELETED and
// UNSEEN likewise name the messages that can match, from the snapshot's lists (flag-index.ts).
import type { MessageWalk, SearchMessage } from '../../search/index.js';
import type { IndexedState } from '../flag-index.js';
import type { SelectedView } from '../selected.js';
import type { SearchKey, SequenceSet } from '../wire/ast.js';
import { resolveSequenceSet } from '../wire/sequence.js';

/** The UID or message-number set a match must be in, when the key has one at its top (alone, or
 *  in its AND): the first of them; the predicate still checks every key. */
function limitOf(key: SearchKey): Extract<SearchKey, { kind: 'uid' | 'seq' }> | null {
  if (key.kind === 'uid' || key.kind === 'seq') return key;
  if (key.kind === 'and') for (const k of key.keys) if (k.kind === 'uid' || k.kind === 'seq') return k;
  return null;
}

/** The state a match must be in, when the key is DELETED or UNSEEN (RFC 9051 §6.4.4: with \Deleted,
 *  without \Seen), alone or in its AND. */
function stateOf(key: SearchKey): IndexedState | null {
  const single = (k: SearchKey): IndexedState | null => {
    if (k.kind !== 'flag') return null;
    const flag = k.flag.toLowerCase();
    if (flag === '\\deleted' && k.set) return 'deleted';
    if (flag === '\\seen' && !k.set) return 'unseen';
    return null;
  };
  if (key.kind !== 'and') return single(key);
  for (const k of key.keys) {
    const state = single(k);
    if (state !== null) return state;
  }
  return null;
}

/** The UIDs (ascending, in the view) with the message numbers in `set`; numbers past the last
 *  message name nothing (a SEARCH key is a test, not a reference: no error as in FETCH). */
function uidsOfNumbers(view: SelectedView, set: SequenceSet): number[] {
  if (set.kind === 'saved') return [];
  const uids: number[] = [];
  for (const [lo, hi] of resolveSequenceSet(set, view.count)) for (let msn = lo; msn <= hi; msn++) uids.push(view.uidAt(msn) as number);
  return uids;
}

/** The messages to judge, with `*` of both kinds kept to the whole view's (RFC 9051 §9): those a
 *  set limits the search to, or a walk over the whole view. \Recent only before IMAP4rev2 (RFC 9051
 *  Appendix E). */
export function searchScope(
  view: SelectedView,
  key: SearchKey,
  saved: readonly number[] | null,
  rev2: boolean,
): { messages: SearchMessage[] | MessageWalk; lastMsn: number; highestUid: number; countInUidRange: (first: number, last: number) => number } {
  const limit = limitOf(key);
  let messages: SearchMessage[] | MessageWalk;
  const state = limit === null ? stateOf(key) : null;
  const candidates = state === null ? null : view.candidatesInState(state);
  if (candidates !== null) messages = listed(view, candidates, rev2);
  else if (limit === null) messages = rev2 ? (fn) => view.forEachMessage((msn, meta) => fn(msn, meta, false)) : (fn) => view.forEachMessage(fn);
  else {
    // "$" holds UIDs whichever way it is used (RFC 5182 §2.1).
    const uids = limit.kind === 'uid' || limit.set.kind === 'saved' ? view.resolve(limit.set, true, saved) : uidsOfNumbers(view, limit.set);
    messages = listed(view, uids, rev2);
  }
  return { messages, lastMsn: view.count, highestUid: view.highestUid, countInUidRange: (first, last) => view.countInUidRange(first, last) };
}

/** The messages of `uids` (ascending) that are in the view. */
function listed(view: SelectedView, uids: readonly number[], rev2: boolean): SearchMessage[] {
  const list: SearchMessage[] = [];
  view.walk(uids, 0, uids.length, (msn, meta, recent) => list.push({ msn, meta, recent: recent && !rev2 }));
  return list;
}
