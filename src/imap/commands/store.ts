// STORE and UID STORE (RFC 9051 §6.4.6, §6.4.9): +FLAGS, -FLAGS, FLAGS, .SILENT.
import { formatUidSet } from '../wire/sequence.js';
import { fetchFlags } from '../selected.js';
import type { CommandModule } from './types.js';
import { condstoreOn, enableCondstore, requireWritable, storableFlags, viewOf } from './util.js';
import { Atom } from '../wire/data.js';
import { TimeSlice } from '../time-slice.js';

export const storeCommand: CommandModule<'STORE'> = {
  names: ['STORE'],
  states: ['selected'],
  usesSequenceNumbers: (cmd) => !cmd.uid,
  async run(cmd, ctx) {
    const view = viewOf(ctx);
    requireWritable(view);
    const flags = storableFlags(cmd.flags, { refuseRecent: true });
    // RFC 7162 §3.1: UNCHANGEDSINCE is a CONDSTORE enabling command.
    if (cmd.unchangedSince !== null) await enableCondstore(ctx);
    const condstore = condstoreOn(ctx);
    const uids = view.resolveLive(cmd.set, cmd.uid, ctx.savedSearch);
    if (uids.length === 0) return { text: 'STORE completed' };
    const result = await ctx.store.storeFlags(
      view.mailbox.id,
      uids,
      cmd.operation,
      flags,
      ...(cmd.unchangedSince === null ? [] : [cmd.unchangedSince]),
    );
    // Our own change is taken in now, so the store's later report of it is not echoed again.
    view.noteOwnChanges(result.updated);
    // The echo of a big set is one response per message: other connections get turns in between.
    const slice = new TimeSlice();
    if (!cmd.silent) {
      // RFC 9051 §6.4.6: the new flags of each message; UID STORE includes the UID (§6.4.9);
      // under CONDSTORE both UID and MODSEQ (RFC 7162 §3.1.3, §3.2.4).
      const modified = new Set(result.modified);
      for (const uid of uids) {
        const meta = view.meta(uid);
        const msn = view.msnOf(uid);
        if (!meta || msn === 0 || modified.has(uid)) continue;
        await ctx.untagged(...fetchFlags(msn, meta, view.isRecent(uid) && !ctx.rev2, cmd.uid || condstore, condstore));
        const pause = slice.pass();
        if (pause) await pause;
      }
    } else if (condstore) {
      // RFC 7162 §3.1.3: even with .SILENT, the new MODSEQ of each changed message.
      for (const meta of [...result.updated].sort((a, b) => a.uid - b.uid)) {
        const msn = view.msnOf(meta.uid);
        if (msn > 0) await ctx.untagged(msn, new Atom('FETCH'), [new Atom('UID'), meta.uid, new Atom('MODSEQ'), [meta.modseq]]);
        const pause = slice.pass();
        if (pause) await pause;
      }
    }
    if (result.modified.length > 0) {
      // RFC 7162 §3.2: MODIFIED lists what UNCHANGEDSINCE left alone.
      const nums = cmd.uid ? result.modified : result.modified.map((u) => view.msnOf(u)).filter((n) => n > 0);
      return { code: `MODIFIED ${formatUidSet([...nums].sort((a, b) => a - b))}`, text: 'Conditional STORE failed for some messages' };
    }
    return { text: 'STORE completed' };
  },
};
