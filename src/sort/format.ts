// The THREAD response (RFC 5256 §4): thread-list = "(" (thread-members / thread-nested) ")";
// a chain of single children is written as numbers, a split as 2 or more nested lists.
import type { ThreadNode } from './types.js';

/** "(2)(3 6 (4 23)(44 7 96))" for the threads; `num` maps a UID to what the client asked for. */
export function formatThreads(threads: readonly ThreadNode[], num: (uid: number) => number): string {
  return threads.map((t) => `(${members(t, num)})`).join('');
}

function members(node: ThreadNode, num: (uid: number) => number): string {
  const parts: string[] = [];
  let n: ThreadNode | undefined = node;
  while (n) {
    if (n.uid !== null) parts.push(String(num(n.uid)));
    const kids: readonly ThreadNode[] = n.children;
    if (kids.length === 0) break;
    if (kids.length === 1) {
      n = kids[0];
      continue;
    }
    parts.push(kids.map((k) => `(${members(k, num)})`).join(''));
    break;
  }
  return parts.join(' ');
}
