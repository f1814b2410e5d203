// LIST (RFC 9051 §6.3.9 with LIST-EXTENDED RFC 5258, LIST-STATUS RFC 5819, SPECIAL-USE RFC 6154,
// CHILDREN RFC 3348) and LSUB (RFC 3501 §6.3.9, kept for IMAP4rev1 clients).
import type { Mailbox } from '../../store/types.js';
import type { Command, StatusItem } from '../wire/ast.js';
import { Atom, type ImapData } from '../wire/data.js';
import { DELIMITER, canonicalName, joinReference, parentsOf, patternMatcher } from '../mailbox-names.js';
import type { CommandContext, CommandModule } from './types.js';
import { accountOf, noSequenceNumbers } from './util.js';
import { statusResponse } from './status.js';

type ListCommand = Extract<Command, { name: 'LIST' }>;

interface Entry {
  readonly name: string;
  readonly mailbox: Mailbox | null;
  readonly subscribed: boolean;
  readonly hasChildren: boolean;
  /** RECURSIVEMATCH: listed only because a descendant is subscribed (CHILDINFO). */
  childInfo: boolean;
}

/** Every name LIST may talk about: existing mailboxes, their superiors, subscriptions. */
async function universe(ctx: CommandContext): Promise<Map<string, Entry>> {
  const accountId = accountOf(ctx).id;
  const [mailboxes, subs] = await Promise.all([ctx.store.listMailboxes(accountId), ctx.store.listSubscriptions(accountId)]);
  const subscribed = new Set(subs.map(canonicalName));
  const byName = new Map(mailboxes.map((m) => [m.name, m]));
  const names = new Set<string>([...byName.keys(), ...subscribed]);
  for (const n of [...names]) for (const p of parentsOf(n)) names.add(p);
  const all = [...names].sort();
  const withChildren = new Set<string>();
  for (const n of byName.keys()) for (const p of parentsOf(n)) withChildren.add(p);
  const out = new Map<string, Entry>();
  for (const name of all) {
    out.set(name, { name, mailbox: byName.get(name) ?? null, subscribed: subscribed.has(name), hasChildren: withChildren.has(name), childInfo: false });
  }
  return out;
}

function attributes(e: Entry, opts: { subscribed: boolean; specialUse: boolean; rev2: boolean }): Atom[] {
  const attrs: string[] = [];
  if (!e.mailbox) {
    // A superior that only exists by name (RFC 9051 §6.3.9: \Noselect; \NonExistent implies it, RFC 5258 §3).
    attrs.push(e.subscribed || opts.rev2 ? '\\NonExistent' : '\\Noselect');
  }
  attrs.push(e.hasChildren ? '\\HasChildren' : '\\HasNoChildren');
  if (opts.subscribed && e.subscribed) attrs.push('\\Subscribed');
  if (opts.specialUse && e.mailbox?.specialUse) attrs.push(e.mailbox.specialUse);
  return attrs.map((a) => new Atom(a));
}

async function runList(cmd: ListCommand, ctx: CommandContext): Promise<void> {
  // RFC 9051 §6.3.9: an empty pattern asks for the delimiter and the root of the reference.
  if (!cmd.extended && cmd.patterns.length === 1 && cmd.patterns[0] === '') {
    await ctx.untagged(new Atom('LIST'), [new Atom('\\Noselect')], DELIMITER, '');
    return;
  }
  const reference = ctx.decodeMailboxName(cmd.reference);
  const matchers = cmd.patterns.map((p) => patternMatcher(joinReference(reference, ctx.decodeMailboxName(p))));
  const matches = (name: string): boolean => matchers.some((m) => m(name));

  const selSubscribed = cmd.selection.includes('SUBSCRIBED');
  const selSpecial = cmd.selection.includes('SPECIAL-USE');
  const recursive = cmd.selection.includes('RECURSIVEMATCH');
  const ret = new Set(cmd.returnOptions.map((o) => o.kind));
  const statusItems: readonly StatusItem[] | null = cmd.returnOptions.find((o) => o.kind === 'STATUS')?.items ?? null;
  const all = await universe(ctx);

  // RECURSIVEMATCH: the subscribed descendants of each name (RFC 5258 §3.5).
  const subscribedBelow = new Map<string, string[]>();
  if (selSubscribed && recursive) {
    for (const c of all.values()) {
      if (!c.subscribed) continue;
      for (const p of parentsOf(c.name)) subscribedBelow.set(p, [...(subscribedBelow.get(p) ?? []), c.name]);
    }
  }
  const listed: Entry[] = [];
  for (const e of all.values()) {
    if (!matches(e.name)) continue;
    if (selSubscribed) {
      // RFC 5258 §3.5 table: CHILDINFO whenever a descendant meets the selection criteria, whether
      // or not the mailbox does; a mailbox that does not is listed only when one of those
      // descendants is not returned itself (servers SHOULD suppress redundant CHILDINFO).
      const below = subscribedBelow.get(e.name) ?? [];
      e.childInfo = below.length > 0;
      if (!e.subscribed && !below.some((name) => !matches(name))) continue;
    } else if (selSpecial) {
      if (!e.mailbox?.specialUse) continue;
    } else if (!e.mailbox && !e.hasChildren) {
      continue; // a subscription to a missing mailbox: only LIST (SUBSCRIBED) shows it
    }
    listed.push(e);
  }
  // Without "*", "%" matching a missing superior still shows it (RFC 9051 §6.3.9 "%").
  const opts = {
    subscribed: selSubscribed || ret.has('SUBSCRIBED'),
    // RFC 6154 §2: special-use attributes are returned by plain LIST too.
    specialUse: true,
    rev2: ctx.rev2,
  };
  for (const e of listed) {
    const line: ImapData[] = [new Atom('LIST'), attributes(e, opts), DELIMITER, ctx.encodeMailboxName(e.name)];
    if (e.childInfo) line.push(['CHILDINFO', ['SUBSCRIBED']]);
    await ctx.untagged(...line);
    // RFC 5819 §2: STATUS right after the LIST line of each selectable mailbox.
    if (statusItems && e.mailbox) await ctx.untagged(...(await statusResponse(ctx, e.mailbox, statusItems)));
  }
}

export const listCommand: CommandModule<'LIST'> = {
  names: ['LIST'],
  states: ['authenticated', 'selected'],
  usesSequenceNumbers: noSequenceNumbers,
  capabilities: ['CHILDREN', 'LIST-EXTENDED', 'LIST-STATUS', 'SPECIAL-USE'],
  async run(cmd, ctx) {
    await runList(cmd, ctx);
    return { text: 'LIST completed' };
  },
};

export const lsubCommand: CommandModule<'LSUB'> = {
  names: ['LSUB'],
  states: ['authenticated', 'selected'],
  usesSequenceNumbers: noSequenceNumbers,
  async run(cmd, ctx) {
    const reference = ctx.decodeMailboxName(cmd.reference);
    const pattern = joinReference(reference, ctx.decodeMailboxName(cmd.pattern));
    const match = patternMatcher(pattern);
    const accountId = accountOf(ctx).id;
    const subs = new Set((await ctx.store.listSubscriptions(accountId)).map(canonicalName));
    const out = new Map<string, boolean>(); // name -> noselect
    for (const name of [...subs].sort()) {
      if (match(name)) out.set(name, false);
      // RFC 3501 §6.3.9: "%" matching an unsubscribed superior of a subscribed name lists it \Noselect.
      for (const p of parentsOf(name)) if (!subs.has(p) && !out.has(p) && match(p) && pattern.endsWith('%')) out.set(p, true);
    }
    for (const [name, noselect] of [...out].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      await ctx.untagged(new Atom('LSUB'), noselect ? [new Atom('\\Noselect')] : [], DELIMITER, ctx.encodeMailboxName(name));
    }
    return { text: 'LSUB completed' };
  },
};
