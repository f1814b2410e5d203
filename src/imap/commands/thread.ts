// THREAD and UID THREAD (RFC 5256 §3): ORDEREDSUBJECT and REFERENCES, answered with one
// untagged THREAD response (§4).
import { formatThreads, threadOrderedSubject, threadReferences } from '../../sort/index.js';
import { Atom } from '../wire/data.js';
import type { CommandModule } from './types.js';
import { viewOf } from './util.js';
import { matchingItems } from './sort-items.js';

export const threadCommand: CommandModule<'THREAD'> = {
  names: ['THREAD'],
  states: ['selected'],
  usesSequenceNumbers: (cmd) => !cmd.uid, // RFC 5256 §3: no EXPUNGE during THREAD, allowed during UID THREAD
  capabilities: ['THREAD=ORDEREDSUBJECT', 'THREAD=REFERENCES'],
  async run(cmd, ctx) {
    const view = viewOf(ctx);
    // ORDEREDSUBJECT reads the base subject and the sent date; REFERENCES also the Message-ID,
    // References and In-Reply-To fields (RFC 5256 §2.1, §2.2).
    const references = cmd.algorithm === 'REFERENCES';
    const items = await matchingItems(ctx, cmd.charset, cmd.search, { sentDate: true, envelope: true, headers: references });
    const threads = references ? threadReferences(items) : threadOrderedSubject(items);
    const msnOf = new Map(items.map((i) => [i.meta.uid, i.msn]));
    const text = formatThreads(threads, (uid) => (cmd.uid ? uid : (msnOf.get(uid) ?? view.msnOf(uid))));
    await ctx.untagged(...(text === '' ? [new Atom('THREAD')] : [new Atom('THREAD'), new Atom(text)]));
    return { text: 'THREAD completed' };
  },
};
