// COPY (RFC 9051 §6.4.7) and MOVE (RFC 6851), with COPYUID (RFC 4315 §3), and their UID forms.
import { formatUidSet } from '../wire/sequence.js';
import type { CommandModule } from './types.js';
import { ImapError } from './types.js';
import { existingMailbox, requireWritable, statusLine, viewOf } from './util.js';

export const copyCommand: CommandModule<'COPY' | 'MOVE'> = {
  names: ['COPY', 'MOVE'],
  states: ['selected'],
  // MOVE must send its EXPUNGEs (RFC 6851 §3.3) whatever form it takes; COPY expunges nothing.
  usesSequenceNumbers: () => false,
  capabilities: ['MOVE'],
  async run(cmd, ctx) {
    const view = viewOf(ctx);
    if (cmd.name === 'MOVE') requireWritable(view);
    const uids = view.resolveLive(cmd.set, cmd.uid, ctx.savedSearch);
    // RFC 9051 §6.4.7: TRYCREATE when the target is missing.
    const target = await existingMailbox(ctx, cmd.mailbox, 'TRYCREATE');
    if (uids.length === 0) {
      // Nothing left to copy (RFC 9051 §6.4.9: a UID set naming no messages is not an error).
      if (!cmd.uid) throw new ImapError('NO', null, 'Those messages no longer exist');
      return { text: `${cmd.name} completed (no messages)` };
    }
    // RFC 9208 §4.3.1: COPY adds to the user's usage (NO [OVERQUOTA], checked in the store's copy
    // transaction); MOVE within the account's one quota root does not.
    const result =
      cmd.name === 'COPY'
        ? await ctx.store.copyMessages(view.mailbox.id, uids, target.id, { enforceQuota: true })
        : await ctx.store.moveMessages(view.mailbox.id, uids, target.id);
    const code = `COPYUID ${result.uidValidity} ${formatUidSet(result.mapping.map(([s]) => s))} ${formatUidSet(result.mapping.map(([, d]) => d))}`;
    if (cmd.name === 'COPY') return { code, text: 'COPY completed' };
    // RFC 6851 §4.3: COPYUID in an untagged OK before the EXPUNGE responses.
    await ctx.untagged(...statusLine('OK', code, 'Moved'));
    await ctx.refresh({ allowExpunge: true });
    return { text: 'MOVE completed' };
  },
};
