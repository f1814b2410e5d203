// APPEND (RFC 9051 §6.3.12) with APPENDUID (RFC 4315 §3) and MULTIAPPEND (RFC 3502: several messages,
// all or nothing). Size limits are enforced earlier, when each literal is announced (the reader's
// literal policy answers NO [TOOBIG], or NO [LIMIT] for the batch, before the bytes come).
import { formatUidSet } from '../wire/sequence.js';
import type { AppendInput } from '../../store/types.js';
import { ImapError, type CommandModule } from './types.js';
import { accountOf, mailboxName, noSequenceNumbers, storableFlags } from './util.js';
import { checkAppendHeaders } from './utf8-append.js';

export const appendCommand: CommandModule<'APPEND'> = {
  names: ['APPEND'],
  states: ['authenticated', 'selected'],
  usesSequenceNumbers: noSequenceNumbers,
  capabilities: ['MULTIAPPEND'],
  async run(cmd, ctx) {
    const inputs: AppendInput[] = cmd.messages.map((m) => {
      checkAppendHeaders(ctx, { bytes: m.message, utf8: m.utf8 });
      if (m.message.length > ctx.limits.maxMessageBytes) throw new ImapError('NO', 'TOOBIG', 'Message is too big');
      return {
        bytes: m.message,
        flags: storableFlags(m.flags),
        enforceQuota: true, // RFC 9208 §4.3.1: NO [OVERQUOTA], checked in the store's transaction
        ...(m.internalDate ? { internalDate: m.internalDate.getTime() } : {}),
      };
    });
    const name = mailboxName(ctx, cmd.mailbox);
    const mailbox = await ctx.store.getMailbox(accountOf(ctx).id, name);
    // RFC 9051 §6.3.12: TRYCREATE tells the client that CREATE would help.
    if (!mailbox) throw new ImapError('NO', 'TRYCREATE', `Mailbox does not exist: ${name}`);
    // RFC 9051 §6.3.12: appending to the selected mailbox shows up as EXISTS before the OK
    // (the session pulls the store's change at the end of the command).
    if (inputs.length === 1) {
      const result = await ctx.store.appendMessage(mailbox.id, inputs[0] as AppendInput);
      return { code: `APPENDUID ${result.uidValidity} ${result.uid}`, text: 'APPEND completed' };
    }
    // RFC 3502 §3: one transaction; RFC 4315 §3: APPENDUID with the set of the new UIDs.
    const results = await ctx.store.appendMessages(mailbox.id, inputs);
    return { code: `APPENDUID ${results[0]?.uidValidity ?? mailbox.uidValidity} ${formatUidSet(results.map((r) => r.uid))}`, text: 'APPEND completed' };
  },
};
