// Small helpers shared by the command families.
import type { Account, Mailbox } from '../../store/types.js';
import type { SelectedView } from '../selected.js';
import { canonicalName } from '../mailbox-names.js';
import { Atom, Preformatted } from '../wire/data.js';
import { ImapError, type CommandContext } from './types.js';

export function accountOf(ctx: CommandContext): Account {
  const s = ctx.state;
  if (s.kind === 'authenticated' || s.kind === 'selected') return s.account;
  throw new ImapError('BAD', null, 'Not authenticated');
}

export function viewOf(ctx: CommandContext): SelectedView {
  const s = ctx.state;
  if (s.kind === 'selected') return s.view;
  throw new ImapError('BAD', null, 'No mailbox selected');
}

/** The client's mailbox argument -> canonical UTF-8 name (RFC 9051 §5.1, §5.1.3). */
export function mailboxName(ctx: CommandContext, raw: string): string {
  return canonicalName(ctx.decodeMailboxName(raw));
}

/** NO [NONEXISTENT] (RFC 5530), or another code, for a mailbox name that names none. */
export function noSuchMailbox(name: string, code = 'NONEXISTENT'): ImapError {
  return new ImapError('NO', code, `Mailbox does not exist: ${name}`);
}

/** The mailbox named by the client, or NO [NONEXISTENT] (RFC 5530). */
export async function existingMailbox(ctx: CommandContext, raw: string, code = 'NONEXISTENT'): Promise<Mailbox> {
  const name = mailboxName(ctx, raw);
  const mailbox = await ctx.store.getMailbox(accountOf(ctx).id, name);
  if (!mailbox) throw noSuchMailbox(name, code);
  return mailbox;
}

export function requireWritable(view: SelectedView): void {
  if (view.readOnly) throw new ImapError('NO', null, 'Mailbox is read-only (selected with EXAMINE)');
}

/** `* OK [code] text` and friends: the text is sent as it is, not quoted (RFC 9051 §7.1 resp-text). */
export function statusLine(status: 'OK' | 'NO' | 'BAD' | 'BYE', code: string | null, text: string): [Atom, Atom] {
  return [new Atom(status), new Atom(code ? `[${code}] ${text}` : text)];
}

const SYSTEM_FLAGS = new Map(['\\Answered', '\\Flagged', '\\Deleted', '\\Seen', '\\Draft'].map((f) => [f.toLowerCase(), f]));

/**
 * Flags a client may set (STORE, APPEND): system flags in their canonical case, keywords as sent.
 * \Recent is the server's (RFC 3501 §2.3.2): STORE refuses it, APPEND drops it; other "\" flags are refused.
 */
export function storableFlags(flags: readonly string[], opts: { refuseRecent: boolean } = { refuseRecent: false }): string[] {
  const out: string[] = [];
  for (const f of flags) {
    if (f.startsWith('\\')) {
      if (f.toLowerCase() === '\\recent') {
        if (opts.refuseRecent) throw new ImapError('BAD', null, '\\Recent cannot be stored');
        continue;
      }
      const sys = SYSTEM_FLAGS.get(f.toLowerCase());
      if (!sys) throw new ImapError('BAD', null, `Unknown system flag ${f}`);
      if (!out.includes(sys)) out.push(sys);
    } else if (!out.some((o) => o.toLowerCase() === f.toLowerCase())) out.push(f);
  }
  return out;
}

export const noSequenceNumbers = (): boolean => false;

/** CONDSTORE is on for this session (RFC 7162 §3.1; QRESYNC implies it, §3.2.3). */
export function condstoreOn(ctx: CommandContext): boolean {
  return ctx.enabled.has('CONDSTORE') || ctx.enabled.has('QRESYNC');
}

/** RFC 7162 §3.1: a CONDSTORE enabling command. The first one run with a mailbox selected reports
 *  that mailbox's HIGHESTMODSEQ. */
export async function enableCondstore(ctx: CommandContext): Promise<void> {
  if (condstoreOn(ctx)) return;
  ctx.enable('CONDSTORE');
  if (ctx.state.kind === 'selected') await ctx.untagged(...statusLine('OK', `HIGHESTMODSEQ ${ctx.state.view.modseq}`, 'Highest'));
}

/**
 * `name n n n ...` (RFC 3501 §7.2.5 SEARCH, RFC 5256 §4 SORT) as one preformatted text: such an answer
 * may list every message of a mailbox, more numbers than a function call takes as arguments (about
 * 125,000 in Node 20, then a RangeError), and one joined string is written with one call instead of
 * one per number. `tail` goes after the numbers, e.g. "(MODSEQ 917)".
 */
export function numberList(name: string, nums: readonly number[], tail = ''): Preformatted {
  const parts = [name];
  if (nums.length > 0) parts.push(nums.join(' '));
  if (tail) parts.push(tail);
  return new Preformatted(parts.join(' '));
}
