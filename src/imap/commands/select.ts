// SELECT / EXAMINE (RFC 9051 §6.3.2-3), CLOSE (§6.4.1), UNSELECT (§6.4.2, RFC 3691), CHECK (RFC 3501 §6.4.1).
import { Atom } from '../wire/data.js';
import { SelectedView, flagList } from '../selected.js';
import { ImapError, type CommandModule } from './types.js';
import { accountOf, condstoreOn, enableCondstore, mailboxName, noSequenceNumbers, statusLine, viewOf } from './util.js';
import { resyncSelected } from './qresync.js';
import { mailboxCacheFor } from '../mailbox-cache.js';

const SYSTEM_FLAGS = ['\\Answered', '\\Flagged', '\\Deleted', '\\Seen', '\\Draft'];

export const selectCommand: CommandModule<'SELECT' | 'EXAMINE'> = {
  names: ['SELECT', 'EXAMINE'],
  states: ['authenticated', 'selected'],
  usesSequenceNumbers: noSequenceNumbers,
  capabilities: ['CONDSTORE', 'QRESYNC'],
  async run(cmd, ctx) {
    const account = accountOf(ctx);
    // RFC 7162 §3.2.5: QRESYNC without ENABLE QRESYNC is a BAD.
    if (cmd.qresync && !ctx.enabled.has('QRESYNC')) throw new ImapError('BAD', null, 'QRESYNC needs ENABLE QRESYNC first');
    if (ctx.state.kind === 'selected') {
      // RFC 9051 §6.3.2: the old mailbox is closed first, even if this SELECT fails.
      ctx.setState({ kind: 'authenticated', account });
      // RFC 9051 §7.1, RFC 7162 §3.2.11: [CLOSED] under IMAP4rev2 and once QRESYNC is on.
      if (ctx.rev2 || ctx.enabled.has('QRESYNC')) await ctx.untagged(...statusLine('OK', 'CLOSED', 'Previous mailbox is now closed'));
    }
    ctx.savedSearch = null;
    // RFC 7162 §3.1: SELECT (CONDSTORE) is a CONDSTORE enabling command.
    if (cmd.condstore || cmd.qresync) await enableCondstore(ctx);
    const name = mailboxName(ctx, cmd.mailbox);
    const mailbox = await ctx.store.getMailbox(account.id, name);
    if (!mailbox) throw new ImapError('NO', 'NONEXISTENT', `Mailbox does not exist: ${name}`);
    const readOnly = cmd.name === 'EXAMINE';
    // \Recent exists only in IMAP4rev1 (RFC 9051 Appendix E); EXAMINE does not claim it (RFC 3501 §6.3.2).
    const recentFrom = readOnly || ctx.rev2 ? Infinity : await ctx.store.claimRecent(mailbox.id);
    // Shared with the other sessions of this process; brought up to the MODSEQ just read.
    const snapshot = await mailboxCacheFor(ctx.store).snapshot(mailbox);
    const view = new SelectedView(mailbox, snapshot, { readOnly, highestModseq: snapshot.modseq, recentFrom });
    const last = snapshot.uids[snapshot.count - 1];
    const uidNext = Math.max(mailbox.uidNext, last !== undefined ? last + 1 : 1);

    const flags = [...SYSTEM_FLAGS, ...snapshot.keywords()];
    await ctx.untagged(new Atom('FLAGS'), flagList(flags));
    // RFC 9051 §7.1 PERMANENTFLAGS: \* = new keywords may be created; none when read-only.
    const permanent = readOnly ? '()' : `(${[...flags, '\\*'].join(' ')})`;
    await ctx.untagged(...statusLine('OK', `PERMANENTFLAGS ${permanent}`, readOnly ? 'No permanent flags permitted' : 'Flags permitted'));
    await ctx.untagged(view.count, new Atom('EXISTS'));
    if (!ctx.rev2) {
      await ctx.untagged(view.recentCount, new Atom('RECENT'));
      // RFC 3501 §6.3.1: UNSEEN names the first unseen message (dropped in IMAP4rev2).
      const firstUnseen = snapshot.firstUnseen();
      if (firstUnseen >= 0) await ctx.untagged(...statusLine('OK', `UNSEEN ${firstUnseen + 1}`, 'First unseen'));
    }
    await ctx.untagged(...statusLine('OK', `UIDVALIDITY ${mailbox.uidValidity}`, 'UIDs valid'));
    await ctx.untagged(...statusLine('OK', `UIDNEXT ${uidNext}`, 'Predicted next UID'));
    // RFC 7162 §3.1.2.1: HIGHESTMODSEQ once CONDSTORE is on (MODSEQs are always kept: never NOMODSEQ).
    if (condstoreOn(ctx)) await ctx.untagged(...statusLine('OK', `HIGHESTMODSEQ ${view.modseq}`, 'Highest'));
    // RFC 8474 §4.2: the mailbox's object id on every successful SELECT/EXAMINE.
    await ctx.untagged(...statusLine('OK', `MAILBOXID (${mailbox.mailboxId})`, 'Ok'));
    // RFC 9051 §6.3.2: a LIST response with the mailbox name (IMAP4rev2).
    if (ctx.rev2) await ctx.untagged(new Atom('LIST'), [], '/', ctx.encodeMailboxName(mailbox.name));
    // RFC 7162 §3.2.5.1: VANISHED (EARLIER) and the changed flags since the client's MODSEQ.
    if (cmd.qresync) await resyncSelected(ctx, view, cmd.qresync);
    ctx.setState({ kind: 'selected', account, view });
    return { code: readOnly ? 'READ-ONLY' : 'READ-WRITE', text: `${cmd.name} completed` };
  },
};

export const closeCommand: CommandModule<'CLOSE' | 'UNSELECT'> = {
  names: ['CLOSE', 'UNSELECT'],
  states: ['selected'],
  usesSequenceNumbers: noSequenceNumbers,
  capabilities: ['UNSELECT'],
  async run(cmd, ctx) {
    const view = viewOf(ctx);
    // RFC 9051 §6.4.1: CLOSE expunges silently (no EXPUNGE responses) unless read-only.
    if (cmd.name === 'CLOSE' && !view.readOnly) await ctx.store.expunge(view.mailbox.id);
    ctx.setState({ kind: 'authenticated', account: accountOf(ctx) });
    ctx.savedSearch = null;
    return { text: `${cmd.name} completed` };
  },
};

export const checkCommand: CommandModule<'CHECK'> = {
  names: ['CHECK'],
  states: ['selected'],
  usesSequenceNumbers: noSequenceNumbers,
  async run(_cmd, ctx) {
    // RFC 3501 §6.4.1: a checkpoint; everything is durable already, so it is a NOOP.
    await ctx.refresh({ allowExpunge: true });
    return { text: 'CHECK completed' };
  },
};
