// THREAD=REFERENCES (RFC 5256 §3), steps (1)-(6) as the RFC numbers them.
import { baseSubject } from './base-subject.js';
import { collationKey } from './collate.js';
import { sentDate } from './keys.js';
import { headerValue, messageIds } from './message-id.js';
import type { SortItem, ThreadFacts, ThreadNode } from './types.js';

interface Container {
  item: SortItem | null; // null: a dummy
  facts: ThreadFacts | null; // the item's
  parent: Container | null;
  children: Container[];
}

/** What the algorithm reads of a message, from its stored summary. */
export function threadFacts(item: SortItem): ThreadFacts {
  const headers = item.summary?.headers;
  let references = messageIds(headerValue(headers, 'references'));
  if (references.length === 0) references = messageIds(headerValue(headers, 'in-reply-to')).slice(0, 1);
  const b = baseSubject(item.summary?.envelope?.subject ?? null);
  return {
    messageId: messageIds(headerValue(headers, 'message-id'))[0] ?? null,
    references,
    subject: collationKey(b.base),
    reply: b.replyOrForward,
    sentDate: sentDate(item),
  };
}

/** factsOf: where each message's facts come from (a cache of them); by default its summary. */
export function threadReferences(items: readonly SortItem[], factsOf: (item: SortItem) => ThreadFacts = threadFacts): ThreadNode[] {
  const byMsn = [...items].sort((a, b) => a.msn - b.msn);
  const table = new Map<string, Container>();
  const all: Container[] = [];
  const container = (id: string): Container => {
    let c = table.get(id);
    if (!c) {
      c = { item: null, facts: null, parent: null, children: [] };
      table.set(id, c);
      all.push(c);
    }
    return c;
  };

  // (1) link messages by their references.
  for (const item of byMsn) {
    const facts = factsOf(item);
    const id = facts.messageId;
    let self: Container;
    const existing = id === null ? undefined : table.get(id);
    if (id === null || existing?.item) {
      // Missing, invalid or duplicate Message-ID: a unique one (no msg-id can contain a NUL).
      self = container(`\0${item.meta.uid}`);
    } else self = existing ?? container(id);
    self.item = item;
    self.facts = facts;

    // (1A) first reference is the parent of the second, and so on; existing links stay.
    let prev: Container | null = null;
    for (const ref of facts.references) {
      const c = container(ref);
      if (prev && c.parent === null && !wouldLoop(prev, c)) link(prev, c);
      prev = c;
    }
    // (1B) the last reference is this message's parent (replacing an older link); none: no parent.
    if (prev === null) unlink(self);
    else if (!wouldLoop(prev, self)) {
      unlink(self);
      link(prev, self);
    }
  }

  // (2) the root set; (3) prune dummies.
  let roots = prune(all.filter((c) => c.parent === null), true);
  // (4) sort the root set by sent date (a dummy by its first child, after sorting its children).
  for (const r of roots) if (r.item === null) sortSiblings(r.children);
  sortSiblings(roots);

  // (5) gather roots that share a base subject.
  const subjectOf = (c: Container): { key: string; reply: boolean } | null => {
    const facts = c.item ? c.facts : (c.children[0]?.facts ?? null);
    return facts && { key: facts.subject, reply: facts.reply };
  };
  const subjects = new Map<string, Container>();
  for (const r of roots) {
    const s = subjectOf(r);
    if (!s || s.key === '') continue;
    const old = subjects.get(s.key);
    if (!old) subjects.set(s.key, r);
    else if (old.item !== null && (r.item === null || (subjectOf(old)?.reply === true && !s.reply))) subjects.set(s.key, r);
  }
  const removed = new Set<Container>();
  const replaced = new Map<Container, Container>();
  for (const r of roots) {
    if (removed.has(r) || r.parent !== null) continue; // already merged under a new dummy
    const s = subjectOf(r);
    if (!s || s.key === '') continue;
    const other = subjects.get(s.key);
    if (!other || other === r) continue;
    if (other.item === null && r.item === null) {
      for (const child of r.children) adopt(other, child);
      r.children = [];
      removed.add(r);
    } else if (other.item === null || (s.reply && subjectOf(other)?.reply === false)) {
      adopt(other, r);
      removed.add(r);
    } else {
      const dummy: Container = { item: null, facts: null, parent: null, children: [] };
      adopt(dummy, other);
      adopt(dummy, r);
      replaced.set(other, dummy);
      removed.add(r);
      subjects.set(s.key, dummy);
    }
  }
  roots = roots.filter((r) => !removed.has(r)).map((r) => resolve(replaced, r));

  // (6) sort every set of siblings by sent date, deepest first.
  sortTree(roots);
  return roots.map(toNode);
}

/** Follows replacements (a root that became a child of a new dummy, which may itself have been replaced). */
function resolve(replaced: Map<Container, Container>, c: Container): Container {
  let r = c;
  for (let next = replaced.get(r); next; next = replaced.get(r)) r = next;
  return r;
}

/** True when making `parent` the parent of `child` would make a loop (parent is child or below it). */
function wouldLoop(parent: Container, child: Container): boolean {
  for (let c: Container | null = parent; c; c = c.parent) if (c === child) return true;
  return false;
}

function link(parent: Container, child: Container): void {
  child.parent = parent;
  parent.children.push(child);
}

function unlink(child: Container): void {
  const p = child.parent;
  if (!p) return;
  p.children = p.children.filter((c) => c !== child);
  child.parent = null;
}

function adopt(parent: Container, child: Container): void {
  unlink(child);
  link(parent, child);
}

/** (3) A childless dummy goes; a dummy with children is replaced by them, except at the root level
 *  when it has more than one child. */
function prune(list: readonly Container[], atRoot: boolean): Container[] {
  const out: Container[] = [];
  for (const c of list) {
    c.children = prune(c.children, false);
    for (const child of c.children) child.parent = c;
    if (c.item !== null) out.push(c);
    else if (c.children.length === 0) continue;
    else if (!atRoot || c.children.length === 1) {
      for (const child of c.children) child.parent = atRoot ? null : c.parent;
      out.push(...c.children);
    } else out.push(c);
  }
  return out;
}

/** The message a container sorts by: itself, or a dummy's first child (recursively). */
function representative(c: Container): Container | null {
  for (let x: Container | undefined = c; x; x = x.children[0]) if (x.item) return x;
  return null;
}

function sortSiblings(list: Container[]): void {
  const key = (c: Container): [number, number] => {
    const m = representative(c);
    return m?.item && m.facts ? [m.facts.sentDate, m.item.msn] : [0, 0];
  };
  list.sort((a, b) => {
    const [da, na] = key(a);
    const [db, nb] = key(b);
    return da - db || na - nb;
  });
}

function sortTree(list: Container[]): void {
  for (const c of list) sortTree(c.children);
  sortSiblings(list);
}

function toNode(c: Container): ThreadNode {
  return { uid: c.item?.meta.uid ?? null, children: c.children.map(toNode) };
}
