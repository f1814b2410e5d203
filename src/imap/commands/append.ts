// APPEND (RFC 9051 §6.3.12) with APPENDUID (RFC 4315 §3). The size limit is enforced earlier, when
// the literal is announced (the reader's literal policy answers NO [TOOBIG] before the bytes come).
import { ImapError, type CommandModule } from './types.js';
import { accountOf, mailboxName, noSequenceNumbers, storableFlags } from './util.js';
import { checkAppendHeaders } from './utf8-append.js';

export const appendCommand: CommandModule<'APPEND'> = {
  names: ['APPEND'],
  states: ['authenticated', 'selected'],
  usesSequenceNumbers: noSequenceNumbers,
  async run(cmd, ctx) {
    checkAppendHeaders(ctx, { bytes: cmd.message, utf8: cmd.utf8 });
    const name = mailboxName(ctx, cmd.mailbox);
    const mailbox = await ctx.store.getMailbox(accountOf(ctx).id, name);
    // RFC 9051 §6.3.12: TRYCREATE tells the client that CREATE would help.
    if (!mailbox) throw new ImapError('NO', 'TRYCREATE', `Mailbox does not exist: ${name}`);
    if (cmd.message.length > ctx.limits.maxMessageBytes) throw new ImapError('NO', 'TOOBIG', 'Message is too big');
    const result = await ctx.store.appendMessage(mailbox.id, {
      bytes: cmd.message,
      flags: storableFlags(cmd.flags),
      enforceQuota: true, // RFC 9208 §4.3.1: NO [OVERQUOTA], checked in the store's transaction
      ...(cmd.internalDate ? { internalDate: cmd.internalDate.getTime() } : {}),
    });
    // RFC 9051 §6.3.12: appending to the selected mailbox shows up as EXISTS before the OK
    // (the session pulls the store's change at the end of the command).
    return { code: `APPENDUID ${result.uidValidity} ${result.uid}`, text: 'APPEND completed' };
  },
};
