// QRESYNC (RFC 7162 §3.2): what a client that knows a mailbox up to some MODSEQ has missed.
// Used by SELECT/EXAMINE (QRESYNC ...) and UID FETCH ... (CHANGEDSINCE n VANISHED).
import { formatUidSet } from '../wire/sequence.js';
import type { SelectedView } from '../selected.js';
import type { QresyncParams, SequenceSet } from '../wire/ast.js';
import { Atom } from '../wire/data.js';
import { intervalsContain, resolveSequenceSet } from '../wire/sequence.js';
import { fetchFlags } from '../selected.js';
import type { CommandContext } from './types.js';

/** A membership test for a UID set. `*` is the highest UID the mailbox ever used (so an expunged
 *  last message still counts as inside `n:*`). */
export function uidSetTest(set: SequenceSet | null, highestUid: number): (uid: number) => boolean {
  if (set === null) return () => true;
  if (set.kind === 'saved') throw new Error('uidSetTest: "$" must be substituted by the caller');
  const iv = resolveSequenceSet(set, Math.max(highestUid, 1));
  return (uid) => intervalsContain(iv, uid);
}

/** `* VANISHED (EARLIER) uids` for the UIDs expunged after `modseq` that `within` accepts (RFC 7162 §3.2.10.1). */
export async function sendVanishedEarlier(ctx: CommandContext, view: SelectedView, modseq: number, set: SequenceSet | null): Promise<void> {
  const changes = await ctx.store.changesSince(view.mailbox.id, modseq);
  const highest = changes.expunged.reduce((a, b) => Math.max(a, b), view.highestUid);
  const within = uidSetTest(set, highest);
  // UIDs this view still numbers (expunged meanwhile but not yet announced) are not "earlier".
  const gone = changes.expunged.filter((u) => within(u) && view.msnOf(u) === 0);
  if (gone.length > 0) await ctx.untagged(new Atom('VANISHED'), [new Atom('EARLIER')], new Atom(formatUidSet(gone)));
}

/** RFC 7162 §3.2.5.1: after SELECT/EXAMINE (QRESYNC ...), the expunges and flag changes the client missed. */
export async function resyncSelected(ctx: CommandContext, view: SelectedView, params: QresyncParams): Promise<void> {
  // A different UIDVALIDITY: the client must start over; no dynamic data is reported (§3.2.5).
  if (params.uidValidity !== view.mailbox.uidValidity) return;
  await sendVanishedEarlier(ctx, view, params.modseq, params.knownUids);
  // seq-match-data (§3.2.5.2) only narrows what VANISHED must cover; the expunge log is kept
  // for the mailbox's whole life, so the answer above is exact without it.
  const known = uidSetTest(params.knownUids, view.highestUid);
  for (const { msn, meta } of view.messages()) {
    if (meta.modseq > params.modseq && known(meta.uid)) await ctx.untagged(...fetchFlags(msn, meta, false, true, true));
  }
}
