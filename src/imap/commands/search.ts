// SEARCH and UID SEARCH (RFC 9051 §6.4.4), answered with ESEARCH (RFC 4731, RFC 9051 §7.3.4) under
// IMAP4rev2 or when RETURN is given, with "* SEARCH" otherwise (RFC 3501 §7.2.5). SAVE: RFC 5182;
// MODSEQ: RFC 7162 §3.1.5; OLDER/YOUNGER: RFC 5032.
import { formatUidSet } from '../wire/sequence.js';
import { charsetSupported, searchMessages, SUPPORTED_SEARCH_CHARSETS, type SearchContext, type SentDate } from '../../search/index.js';
import type { SearchKey } from '../wire/ast.js';
import { Atom, type ImapData } from '../wire/data.js';
import { ImapError, type CommandModule } from './types.js';
import { enableCondstore, numberList, viewOf } from './util.js';
import { searchScope } from './search-scope.js';

export const searchCommand: CommandModule<'SEARCH'> = {
  names: ['SEARCH'],
  states: ['selected'],
  usesSequenceNumbers: (cmd) => !cmd.uid,
  capabilities: ['ESEARCH', 'SEARCHRES', 'WITHIN'],
  async run(cmd, ctx) {
    const view = viewOf(ctx);
    const options = cmd.returnOptions;
    const save = options?.includes('SAVE') === true;
    // RFC 6855 §3: after ENABLE UTF8=ACCEPT a SEARCH with a charset conflicts with the UTF-8 already agreed.
    if (cmd.charset !== null && ctx.enabled.has('UTF8=ACCEPT')) {
      if (save) ctx.savedSearch = [];
      throw new ImapError('BAD', null, 'No CHARSET in SEARCH after ENABLE UTF8=ACCEPT (RFC 6855 section 3)');
    }
    if (!charsetSupported(cmd.charset)) {
      // RFC 5182 §2.1: a SEARCH with SAVE that fails with NO empties the saved result.
      if (save) ctx.savedSearch = [];
      throw new ImapError('NO', `BADCHARSET (${SUPPORTED_SEARCH_CHARSETS.join(' ')})`, `Unsupported charset ${cmd.charset ?? ''}`);
    }
    // RFC 7162 §3.1: a SEARCH with MODSEQ is a CONDSTORE enabling command.
    const withModseq = hasModseq(cmd.criteria);
    if (withModseq) await enableCondstore(ctx);
    const mailboxId = view.mailbox.id;
    const scope = searchScope(view, cmd.criteria, ctx.savedSearch, ctx.rev2);
    const uids = await searchMessages(cmd.criteria, {
      ...scope,
      loadSummaries: (list) => ctx.store.getSummaries(mailboxId, list),
      ...headerTextLoader(ctx.store, mailboxId),
      ...sentDateLoader(ctx.store, mailboxId),
      loadBodyText: (meta) => ctx.store.getBodyText(meta.blobId),
      savedResult: ctx.savedSearch,
      now: Date.now(),
    });
    const nums = cmd.uid ? uids : uids.map((u) => view.msnOf(u)).filter((n) => n > 0);
    // RFC 7162 §3.1.5: with a MODSEQ key, the highest MODSEQ of the messages found (none when empty).
    const highest = withModseq && uids.length > 0 ? uids.reduce((a, u) => Math.max(a, view.meta(u)?.modseq ?? 0), 0) : null;
    if (options === null && !ctx.rev2) {
      // RFC 7162 §3.1.5: "(MODSEQ n)" after the numbers.
      await ctx.untagged(numberList('SEARCH', nums, highest === null ? '' : `(MODSEQ ${highest})`));
      return { text: 'SEARCH completed' };
    }
    // RFC 4731 §3.1: RETURN () means ALL; no RETURN under IMAP4rev2 too.
    const wanted = new Set(options === null || options.length === 0 || (save && options.length === 1) ? ['ALL'] : options);
    const sorted = [...nums].sort((a, b) => a - b);
    if (save) {
      // RFC 5182 §2.4: with MIN and/or MAX only, "$" holds just those; otherwise everything found.
      const minMaxOnly = !wanted.has('ALL') && !wanted.has('COUNT');
      const first = uids[0];
      const last = uids[uids.length - 1];
      if (!minMaxOnly || first === undefined || last === undefined) ctx.savedSearch = uids;
      else ctx.savedSearch = [...new Set([...(wanted.has('MIN') ? [first] : []), ...(wanted.has('MAX') ? [last] : [])])];
      // RFC 5182 §2.1: SAVE alone returns no ESEARCH response.
      if (options?.length === 1) return { text: 'SEARCH completed, result saved' };
    }
    const data: ImapData[] = [new Atom('ESEARCH'), [new Atom('TAG'), cmd.tag]];
    if (cmd.uid) data.push(new Atom('UID'));
    // RFC 4731 §3.1: MIN, MAX and ALL are left out when nothing matched; COUNT is then 0.
    if (wanted.has('MIN') && sorted.length > 0) data.push(new Atom('MIN'), sorted[0] as number);
    if (wanted.has('MAX') && sorted.length > 0) data.push(new Atom('MAX'), sorted[sorted.length - 1] as number);
    if (wanted.has('ALL') && sorted.length > 0) data.push(new Atom('ALL'), new Atom(formatUidSet(sorted)));
    if (wanted.has('COUNT')) data.push(new Atom('COUNT'), sorted.length);
    // RFC 7162 §3.1.10 / RFC 4731 §3.2: MODSEQ result item.
    if (highest !== null) data.push(new Atom('MODSEQ'), highest);
    await ctx.untagged(...data);
    return { text: 'SEARCH completed' };
  },
};

/** Stores that keep the folded header text (the SQLite store) offer it outside the Store interface,
 *  and may offer a one-pass scan over it (SearchContext.scanHeaderText). */
interface HeaderTextSource {
  getSearchHeaderText(mailboxId: number, uids: readonly number[]): Promise<Map<number, string | null>>;
  scanSearchHeaders?(mailboxId: number, needles: readonly string[], firstUid: number, lastUid: number): Promise<Map<number, string | null>>;
}

function headerTextLoader(store: object, mailboxId: number): Pick<SearchContext, 'loadHeaderText' | 'scanHeaderText'> {
  const source = store as Partial<HeaderTextSource>;
  if (typeof source.getSearchHeaderText !== 'function') return {};
  const text = source as HeaderTextSource;
  const loader: Pick<SearchContext, 'loadHeaderText' | 'scanHeaderText'> = { loadHeaderText: (uids) => text.getSearchHeaderText(mailboxId, uids) };
  if (typeof text.scanSearchHeaders !== 'function') return loader;
  const scan = text.scanSearchHeaders.bind(text);
  return { ...loader, scanHeaderText: (needles, firstUid, lastUid) => scan(mailboxId, needles, firstUid, lastUid) };
}

/** Stores that can read the Date: header alone (both stores) offer it outside the Store interface. */
interface SentDateSource {
  getSentDates(mailboxId: number, uids: readonly number[]): Promise<Map<number, SentDate>>;
}

function sentDateLoader(store: object, mailboxId: number): Pick<SearchContext, 'loadSentDates'> {
  const source = store as Partial<SentDateSource>;
  if (typeof source.getSentDates !== 'function') return {};
  const dates = source as SentDateSource;
  return { loadSentDates: (uids) => dates.getSentDates(mailboxId, uids) };
}

function hasModseq(key: SearchKey): boolean {
  switch (key.kind) {
    case 'modseq':
      return true;
    case 'and':
      return key.keys.some(hasModseq);
    case 'or':
      return hasModseq(key.left) || hasModseq(key.right);
    case 'not':
      return hasModseq(key.key);
    default:
      return false;
  }
}
