// STATUS (RFC 9051 §6.3.11; SIZE from RFC 8438, DELETED from RFC 9051, APPENDLIMIT RFC 7889,
// MAILBOXID RFC 8474, DELETED-STORAGE RFC 9208 §4.1.4). Also used by LIST RETURN (STATUS ...) (RFC 5819).
import type { Mailbox, MailboxStatus } from '../../store/types.js';
import type { StatusItem } from '../wire/ast.js';
import { Atom, type ImapData } from '../wire/data.js';
import type { CommandContext, CommandModule } from './types.js';
import { accountOf, enableCondstore, mailboxName, noSequenceNumbers, noSuchMailbox } from './util.js';

/** The STATUS response of a mailbox; st: its status, read here when not given. */
export async function statusResponse(ctx: CommandContext, mailbox: Mailbox, items: readonly StatusItem[], given?: MailboxStatus): Promise<ImapData[]> {
  const st = given ?? (await ctx.store.mailboxStatus(mailbox.id));
  const values: ImapData[] = [];
  for (const item of items) {
    let value: ImapData;
    switch (item) {
      case 'MESSAGES':
        value = st.messages;
        break;
      case 'UIDNEXT':
        value = st.uidNext;
        break;
      case 'UIDVALIDITY':
        value = st.uidValidity;
        break;
      case 'UNSEEN':
        value = st.unseen;
        break;
      case 'DELETED':
        value = st.deleted;
        break;
      case 'SIZE':
        value = st.size;
        break;
      case 'RECENT':
        value = st.recent;
        break;
      case 'HIGHESTMODSEQ':
        value = st.highestModseq;
        break;
      case 'APPENDLIMIT':
        value = ctx.limits.maxMessageBytes;
        break;
      case 'MAILBOXID':
        value = [new Atom(mailbox.mailboxId)];
        break;
      case 'DELETED-STORAGE': {
        // RFC 9208 §4.1.4: the RFC822.SIZE sum of the \Deleted messages, which EXPUNGE frees exactly.
        let bytes = 0;
        for (const m of await ctx.store.listMessages(mailbox.id)) if (m.flags.includes('\\Deleted')) bytes += m.size;
        value = bytes;
        break;
      }
    }
    values.push(new Atom(item), value);
  }
  return [new Atom('STATUS'), ctx.encodeMailboxName(mailbox.name), values];
}

export const statusCommand: CommandModule<'STATUS'> = {
  names: ['STATUS'],
  states: ['authenticated', 'selected'],
  usesSequenceNumbers: noSequenceNumbers,
  capabilities: ['STATUS=SIZE'],
  async run(cmd, ctx) {
    // The mailbox and its counts in one read (the store's mailboxWithStatus): STATUS is what
    // clients poll most, and each read of the store has a fixed cost of its own.
    const name = mailboxName(ctx, cmd.mailbox);
    const found = await ctx.store.mailboxWithStatus(accountOf(ctx).id, name);
    if (!found) throw noSuchMailbox(name);
    // RFC 7162 §3.1: STATUS (HIGHESTMODSEQ) is a CONDSTORE enabling command.
    if (cmd.items.includes('HIGHESTMODSEQ')) await enableCondstore(ctx);
    await ctx.untagged(...(await statusResponse(ctx, found.mailbox, cmd.items, found.status)));
    return { text: 'STATUS completed' };
  },
};
