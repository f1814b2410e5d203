// SORT and UID SORT (RFC 5256 §3), ESORT return options answered with ESEARCH (RFC 5267 §3).
// The search part is SEARCH's own (src/search), the keys sort-keys.ts (cached), the ordering src/sort.
import { sortOrder } from '../../sort/index.js';
import { formatUidSet } from '../wire/sequence.js';
import { Atom, type ImapData } from '../wire/data.js';
import { matchingWithKeys } from './sort-keys.js';
import type { CommandModule } from './types.js';
import { numberList } from './util.js';

export const sortCommand: CommandModule<'SORT'> = {
  names: ['SORT'],
  states: ['selected'],
  usesSequenceNumbers: (cmd) => !cmd.uid, // RFC 5256 §3: no EXPUNGE during SORT, allowed during UID SORT
  capabilities: ['SORT', 'SORT=DISPLAY', 'ESORT'],
  async run(cmd, ctx) {
    const { items, keyOf, columns } = await matchingWithKeys(ctx, cmd.charset, cmd.search, cmd.criteria.map((c) => c.key));
    const numbers = new Float64Array(items.length); // in mailbox order, read off the items one by one
    items.forEach((item, i) => (numbers[i] = cmd.uid ? item.meta.uid : item.msn));
    const nums = sortOrder(items, cmd.criteria, keyOf, columns).map((position) => numbers[position] as number);
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
