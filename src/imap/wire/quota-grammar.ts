// QUOTA commands (RFC 9208 §7):
//   getquota     = "GETQUOTA" SP quota-root-name
//   getquotaroot = "GETQUOTAROOT" SP mailbox
//   setquota     = "SETQUOTA" SP quota-root-name SP setquota-list
//   setquota-list = "(" [setquota-resource *(SP setquota-resource)] ")"; setquota-resource = resource-name SP resource-limit
import type { Command } from './ast.js';
import type { Parser } from './parser.js';

export function quotaCommand(p: Parser, tag: string, name: 'GETQUOTA' | 'GETQUOTAROOT' | 'SETQUOTA'): Command {
  p.sp(`after ${name}`);
  if (name === 'GETQUOTAROOT') return { tag, name, mailbox: p.mailbox() };
  const root = p.astring('as the quota root name');
  if (name === 'GETQUOTA') return { tag, name, root };
  p.sp('after the quota root name');
  p.expectChar('(', 'to open the resource limits');
  const limits: Array<readonly [string, number]> = [];
  if (!p.tryChar(')')) {
    do {
      const resource = p.atom('as a resource name').toUpperCase();
      p.sp('after the resource name');
      limits.push([resource, p.number64('as the resource limit')]);
    } while (p.tryChar(' '));
    p.expectChar(')', 'after the resource limits');
  }
  return { tag, name, root, limits };
}
