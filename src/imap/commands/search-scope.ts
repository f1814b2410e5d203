// Which messages SEARCH (and SORT, THREAD) must look at. A UID set ANDed with the other keys, as in
// `UID SEARCH UID 5001:* UNDELETED` (how a syncing client asks what is new), names every message
// that can match: only those are judged, found by binary search in the view, instead of a pass over
// the whole mailbox (14.5 ms per SEARCH on a 100,000-message mailbox, whatever it asked).
import type { SelectedView } from '../selected.js';
import type { SearchKey, SequenceSet } from '../wire/ast.js';

type ViewMessage = ReturnType<SelectedView['messages']>[number];

/** The UID set a match must be in, when the key has one at its top (alone, or in its AND). */
function uidLimit(key: SearchKey): SequenceSet | null {
  if (key.kind === 'uid') return key.set;
  if (key.kind === 'and') for (const k of key.keys) if (k.kind === 'uid') return k.set;
  return null;
}

/** The messages to judge, with `*` of both kinds kept to the whole view's (RFC 9051 §9). */
export function searchScope(view: SelectedView, key: SearchKey, saved: readonly number[] | null): { messages: ViewMessage[]; lastMsn: number; highestUid: number } {
  const limit = uidLimit(key);
  const messages = limit ? view.messagesOf(view.resolve(limit, true, saved)) : view.messages();
  return { messages, lastMsn: view.count, highestUid: view.highestUid };
}
