// SORT and UID SORT (RFC 5256 §3), ESORT return options answered with ESEARCH (RFC 5267 §3).
// The search part is SEARCH's own (src/search); the ordering is src/sort.
import { charsetSupported, searchMessages, SUPPORTED_SEARCH_CHARSETS } from '../../search/index.js';
import { needsSummary, sortItems, type SortItem } from '../../sort/index.js';
import { formatUidSet } from '../wire/sequence.js';
import type { SearchKey } from '../wire/ast.js';
import { Atom, type ImapData } from '../wire/data.js';
import { searchScope } from './search-scope.js';
import { ImapError, type CommandContext, type CommandModule } from './types.js';
import { numberList, viewOf } from './util.js';

/** UIDs per getSummaries call (as in SEARCH). */
const SUMMARY_BATCH = 1000;

/** The messages matching `search`, with summaries when `withSummaries` (SORT/THREAD's input). */
export async function matchingItems(ctx: CommandContext, charset: string, search: SearchKey, withSummaries: boolean): Promise<SortItem[]> {
  // RFC 5256 §3: US-ASCII and UTF-8 must be implemented; others -> NO [BADCHARSET].
  if (!charsetSupported(charset)) {
    throw new ImapError('NO', `BADCHARSET (${SUPPORTED_SEARCH_CHARSETS.join(' ')})`, `Unsupported charset ${charset}`);
  }
  const view = viewOf(ctx);
  const mailboxId = view.mailbox.id;
  const uids = await searchMessages(search, {
    ...searchScope(view, search, ctx.savedSearch, ctx.rev2),
    loadSummaries: (list) => ctx.store.getSummaries(mailboxId, list),
    loadBodyText: (meta) => ctx.store.getBodyText(meta.blobId),
    savedResult: ctx.savedSearch,
    now: Date.now(),
  });
  const items: SortItem[] = [];
  for (let i = 0; i < uids.length; i += SUMMARY_BATCH) {
    const batch = uids.slice(i, i + SUMMARY_BATCH);
    const summaries = withSummaries ? await ctx.store.getSummaries(mailboxId, batch) : new Map();
    for (const uid of batch) {
      const meta = view.meta(uid);
      if (meta) items.push({ msn: view.msnOf(uid), meta, summary: summaries.get(uid) ?? null });
    }
  }
  return items;
}

export const sortCommand: CommandModule<'SORT'> = {
  names: ['SORT'],
  states: ['selected'],
  usesSequenceNumbers: (cmd) => !cmd.uid, // RFC 5256 §3: no EXPUNGE during SORT, allowed during UID SORT
  capabilities: ['SORT', 'SORT=DISPLAY', 'ESORT'],
  async run(cmd, ctx) {
    const items = await matchingItems(ctx, cmd.charset, cmd.search, needsSummary(cmd.criteria.map((c) => c.key)));
    const nums = sortItems(items, cmd.criteria).map((i) => (cmd.uid ? i.meta.uid : i.msn));
    if (cmd.returnOptions === null) {
      await ctx.untagged(numberList('SORT', nums));
      return { text: 'SORT completed' };
    }
    // RFC 5267 §3.3: RETURN () means ALL. MIN/MAX are the first and last in sort order (§3.1).
    const wanted = new Set(cmd.returnOptions.length === 0 ? ['ALL'] : cmd.returnOptions);
    const data: ImapData[] = [new Atom('ESEARCH'), [new Atom('TAG'), cmd.tag]];
    if (cmd.uid) data.push(new Atom('UID'));
    const first = nums[0];
    const last = nums[nums.length - 1];
    if (wanted.has('MIN') && first !== undefined) data.push(new Atom('MIN'), first);
    if (wanted.has('MAX') && last !== undefined) data.push(new Atom('MAX'), last);
    if (wanted.has('ALL') && nums.length > 0) data.push(new Atom('ALL'), new Atom(formatUidSet(nums)));
    if (wanted.has('COUNT')) data.push(new Atom('COUNT'), nums.length);
    await ctx.untagged(...data);
    return { text: 'SORT completed' };
  },
};
