// SORT and THREAD's input (RFC 5256 §3): the messages matching the search, and the parts of their
// summaries that their keys are computed from (sort-keys.ts keeps the keys). Those parts are read on their own where the store offers it
// (both stores give the Date: header, the SQLite store the envelope): a SORT (DATE) of 100,000
// messages parsed 100,000 whole summaries, 1.1-1.3 s, against 0.45 s for the dates alone. Batches
// are small and the event loop is handed back between them (time-slice.ts): every other client
// waited for the whole SORT before (1.0-1.8 s on 100,000 messages, docs/BENCHMARKS.md part 15).
import type { Envelope, MessageSummary } from '../../mime/types.js';
import { charsetSupported, searchMessages, SUPPORTED_SEARCH_CHARSETS } from '../../search/index.js';
import type { SortFacts, SortItem, SortNeeds } from '../../sort/index.js';
import type { Store } from '../../store/types.js';
import { TimeSlice } from '../time-slice.js';
import type { SearchKey } from '../wire/ast.js';
import { searchScope } from './search-scope.js';
import { ImapError, type CommandContext } from './types.js';
import { viewOf } from './util.js';

/** UIDs per store read: a batch of whole summaries is read and parsed in about 3 ms. */
const BATCH = 250;

export type FactsLoader = (uids: readonly number[]) => Promise<Map<number, SortFacts>>;

/** Stores that read parts of the summary alone offer them outside the Store interface. */
interface PartSource {
  getSentDates?(mailboxId: number, uids: readonly number[]): Promise<Map<number, MessageSummary['sentDate']>>;
  getEnvelopes?(mailboxId: number, uids: readonly number[]): Promise<Map<number, Envelope>>;
}

/** The cheapest reader of what `needs` asks for; null when nothing beyond metadata is needed. */
export function factsLoader(store: Store, mailboxId: number, needs: SortNeeds): FactsLoader | null {
  if (!needs.sentDate && !needs.envelope && !needs.headers) return null;
  const parts = store as PartSource;
  // One part alone where the store reads it alone: the Date: header (a missing header or message
  // gives null, and the internal date is used, RFC 5256 §2.2), or the envelope.
  const dates = parts.getSentDates?.bind(store);
  if (needs.sentDate && !needs.envelope && !needs.headers && dates) {
    return async (uids) => {
      const sent = await dates(mailboxId, uids);
      return new Map(uids.map((uid) => [uid, { sentDate: sent.get(uid) ?? null }]));
    };
  }
  const envelopes = parts.getEnvelopes?.bind(store);
  if (needs.envelope && !needs.sentDate && !needs.headers && envelopes) {
    return async (uids) => {
      const found = await envelopes(mailboxId, uids);
      return new Map(uids.map((uid) => [uid, envelopeFacts(found.get(uid))]));
    };
  }
  // Otherwise the whole summary: for both parts one read of it costs less than two reads of parts
  // (1.1-1.3 s against 0.45 + 0.67 s for 100,000 messages).
  return (uids) => store.getSummaries(mailboxId, uids);
}

function envelopeFacts(envelope: Envelope | undefined): SortFacts {
  return envelope ? { envelope } : {};
}

/** The UIDs matching `search` in the selected mailbox, in mailbox order (RFC 5256 §3: the search
 *  part of SORT and THREAD is SEARCH's). */
export async function matchingUids(ctx: CommandContext, charset: string, search: SearchKey): Promise<number[]> {
  // RFC 5256 §3: US-ASCII and UTF-8 must be implemented; others -> NO [BADCHARSET].
  if (!charsetSupported(charset)) {
    throw new ImapError('NO', `BADCHARSET (${SUPPORTED_SEARCH_CHARSETS.join(' ')})`, `Unsupported charset ${charset}`);
  }
  const view = viewOf(ctx);
  const mailboxId = view.mailbox.id;
  return searchMessages(search, {
    ...searchScope(view, search, ctx.savedSearch, ctx.rev2),
    loadSummaries: (list) => ctx.store.getSummaries(mailboxId, list),
    loadBodyText: (meta) => ctx.store.getBodyText(meta.blobId),
    savedResult: ctx.savedSearch,
    now: Date.now(),
  });
}

/** `uids` with what `needs` asks for, a batch at a time; the event loop is handed back between
 *  batches, after the caller's work on one (UIDs expunged from the view are left out). */
export async function* itemBatches(ctx: CommandContext, uids: readonly number[], needs: SortNeeds): AsyncGenerator<SortItem[]> {
  const view = viewOf(ctx);
  const load = factsLoader(ctx.store, view.mailbox.id, needs);
  const slice = new TimeSlice();
  for (let i = 0; i < uids.length; i += BATCH) {
    const batch = uids.slice(i, i + BATCH);
    const facts = load ? await load(batch) : null;
    const items: SortItem[] = [];
    view.walk(batch, 0, batch.length, (msn, meta) => items.push({ msn, meta, summary: facts?.get(meta.uid) ?? null }));
    yield items;
    const pause = slice.pass();
    if (pause) await pause;
  }
}
