// EXPUNGE (RFC 9051 §6.4.3) and UID EXPUNGE (RFC 4315 §2.1, RFC 9051 §6.4.9).
import type { CommandModule } from './types.js';
import { noSequenceNumbers, requireWritable, viewOf } from './util.js';

export const expungeCommand: CommandModule<'EXPUNGE' | 'UID EXPUNGE'> = {
  names: ['EXPUNGE', 'UID EXPUNGE'],
  states: ['selected'],
  usesSequenceNumbers: noSequenceNumbers,
  capabilities: ['UIDPLUS'],
  async run(cmd, ctx) {
    const view = viewOf(ctx);
    requireWritable(view);
    if (cmd.name === 'UID EXPUNGE') {
      const uids = view.resolve(cmd.set, true, ctx.savedSearch);
      if (uids.length > 0) await ctx.store.expunge(view.mailbox.id, uids);
    } else {
      await ctx.store.expunge(view.mailbox.id);
    }
    // The EXPUNGE responses (ours and anyone else's) go out before the tagged OK.
    await ctx.refresh({ allowExpunge: true });
    return { text: `${cmd.name} completed` };
  },
};
