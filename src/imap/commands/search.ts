// SEARCH and UID SEARCH (RFC 9051 §6.4.4), answered with ESEARCH (RFC 4731, RFC 9051 §7.3.4) under
// IMAP4rev2 or when RETURN is given, with "* SEARCH" otherwise (RFC 3501 §7.2.5). SAVE: RFC 5182.
import { charsetSupported, searchMessages, SUPPORTED_SEARCH_CHARSETS } from '../../search/index.js';
import { Atom, type ImapData } from '../wire/data.js';
import { ImapError, type CommandModule } from './types.js';
import { formatSet, viewOf } from './util.js';

export const searchCommand: CommandModule<'SEARCH'> = {
  names: ['SEARCH'],
  states: ['selected'],
  usesSequenceNumbers: (cmd) => !cmd.uid,
  capabilities: ['ESEARCH'],
  async run(cmd, ctx) {
    const view = viewOf(ctx);
    if (!charsetSupported(cmd.charset)) {
      throw new ImapError('NO', `BADCHARSET (${SUPPORTED_SEARCH_CHARSETS.join(' ')})`, `Unsupported charset ${cmd.charset ?? ''}`);
    }
    const mailboxId = view.mailbox.id;
    const messages = view.messages().map((m) => (ctx.rev2 ? { ...m, recent: false } : m));
    const uids = await searchMessages(cmd.criteria, {
      messages,
      loadSummaries: (list) => ctx.store.getSummaries(mailboxId, list),
      loadBodyText: (meta) => ctx.store.getBodyText(meta.blobId),
      savedResult: ctx.savedSearch,
      now: Date.now(),
    });
    const nums = cmd.uid ? uids : uids.map((u) => view.msnOf(u)).filter((n) => n > 0);
    const options = cmd.returnOptions;
    if (options === null && !ctx.rev2) {
      await ctx.untagged(new Atom('SEARCH'), ...nums);
      return { text: 'SEARCH completed' };
    }
    // RFC 4731 §3.1: RETURN () means ALL; no RETURN under IMAP4rev2 too.
    const wanted = new Set(options === null || options.length === 0 ? ['ALL'] : options);
    if (wanted.has('SAVE')) {
      ctx.savedSearch = uids; // RFC 5182 §2.1
      wanted.delete('SAVE');
      // RFC 5182 §2.1: SAVE alone returns no ESEARCH response.
      if (wanted.size === 0) return { text: 'SEARCH completed (saved)' };
    }
    const data: ImapData[] = [new Atom('ESEARCH'), [new Atom('TAG'), cmd.tag]];
    if (cmd.uid) data.push(new Atom('UID'));
    const sorted = [...nums].sort((a, b) => a - b);
    if (wanted.has('MIN') && sorted.length > 0) data.push(new Atom('MIN'), sorted[0] as number);
    if (wanted.has('MAX') && sorted.length > 0) data.push(new Atom('MAX'), sorted[sorted.length - 1] as number);
    if (wanted.has('ALL') && sorted.length > 0) data.push(new Atom('ALL'), new Atom(formatSet(sorted)));
    if (wanted.has('COUNT')) data.push(new Atom('COUNT'), sorted.length);
    await ctx.untagged(...data);
    return { text: 'SEARCH completed' };
  },
};
