// THREAD and UID THREAD (RFC 5256 §3): ORDEREDSUBJECT and REFERENCES, answered with one
// untagged THREAD response (§4).
import { formatThreads, threadOrderedSubject, threadReferences, type SortItem, type ThreadNode } from '../../sort/index.js';
import { Atom } from '../wire/data.js';
import type { CommandModule } from './types.js';
import { viewOf } from './util.js';
import { matchingWithKeys, matchingWithThreadFacts } from './sort-keys.js';

export const threadCommand: CommandModule<'THREAD'> = {
  names: ['THREAD'],
  states: ['selected'],
  usesSequenceNumbers: (cmd) => !cmd.uid, // RFC 5256 §3: no EXPUNGE during THREAD, allowed during UID THREAD
  capabilities: ['THREAD=ORDEREDSUBJECT', 'THREAD=REFERENCES'],
  async run(cmd, ctx) {
    const view = viewOf(ctx);
    // ORDEREDSUBJECT orders by the base subject and the sent date, the SUBJECT and DATE sort keys;
    // REFERENCES also reads the Message-ID, References and In-Reply-To fields (RFC 5256 §2.1,
    // §2.2). Both from the cache of such keys (sort-keys.ts).
    let items: SortItem[];
    let threads: ThreadNode[];
    if (cmd.algorithm === 'REFERENCES') {
      const withFacts = await matchingWithThreadFacts(ctx, cmd.charset, cmd.search);
      items = withFacts.items;
      threads = threadReferences(items, withFacts.factsOf);
    } else {
      const keyed = await matchingWithKeys(ctx, cmd.charset, cmd.search, ['SUBJECT', 'DATE']);
      items = keyed.items;
      threads = threadOrderedSubject(items, keyed.keyOf);
    }
    const msnOf = new Map(items.map((i) => [i.meta.uid, i.msn]));
    const text = formatThreads(threads, (uid) => (cmd.uid ? uid : (msnOf.get(uid) ?? view.msnOf(uid))));
    await ctx.untagged(...(text === '' ? [new Atom('THREAD')] : [new Atom('THREAD'), new Atom(text)]));
    return { text: 'THREAD completed' };
  },
};
