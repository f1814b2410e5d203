// THREAD=ORDEREDSUBJECT (RFC 5256 §3): sort by base subject then sent date; each run of one base
// subject is a thread whose first message is the root and the rest its children (no deeper
// levels); threads are ordered by the sent date of their first message.
import { compareKeys } from './collate.js';
import { sortKey } from './keys.js';
import type { SortItem, SortKeyOf, ThreadNode } from './types.js';

/** keyOf: where the SUBJECT (collation key of the base subject) and DATE keys come from. */
export function threadOrderedSubject(items: readonly SortItem[], keyOf: SortKeyOf = sortKey): ThreadNode[] {
  const keyed = items.map((item) => ({ item, subject: String(keyOf(item, 'SUBJECT')), date: Number(keyOf(item, 'DATE')) }));
  keyed.sort((a, b) => compareKeys(a.subject, b.subject) || a.date - b.date || a.item.msn - b.item.msn);
  const threads: Array<{ first: (typeof keyed)[number]; node: { uid: number; children: ThreadNode[] } }> = [];
  let current: (typeof threads)[number] | undefined;
  for (const k of keyed) {
    if (current && current.first.subject === k.subject) current.node.children.push({ uid: k.item.meta.uid, children: [] });
    else {
      current = { first: k, node: { uid: k.item.meta.uid, children: [] } };
      threads.push(current);
    }
  }
  threads.sort((a, b) => a.first.date - b.first.date || a.first.item.msn - b.first.item.msn);
  return threads.map((t) => t.node);
}
