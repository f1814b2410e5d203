// FETCH and UID FETCH (RFC 9051 §6.4.5, §6.4.9). The response data comes from src/imap/fetch; here:
// which messages, \Seen for non-PEEK body fetches, and summaries loaded in batches.
import type { Envelope, MessageSummary } from '../../mime/types.js';
import type { MessageMeta } from '../../store/types.js';
import { buildFetchData, fetchNeedsSummary, fetchSetsSeen } from '../fetch/index.js';
import { FetchBatch, fetchIsEnvelopeLines, fetchIsMetaOnly, fetchIsSmall, formatMetaFetch, formatMetaLine, metaItems } from '../fetch/bulk.js';
import { Preformatted } from '../wire/data.js';
import type { FetchAtt } from '../wire/ast.js';
import { ImapError, type CommandContext, type CommandModule } from './types.js';
import { condstoreOn, enableCondstore, viewOf } from './util.js';
import { sendVanishedEarlier } from './qresync.js';
import { TimeSlice } from '../time-slice.js';
import type { SequenceSet } from '../wire/ast.js';

/** Messages per summary query (one SQL statement each) and per \Seen update. */
const BATCH = 500;
/** Messages per envelope text query (as many as BATCH: larger ones measured no faster). */
const ENVELOPE_BATCH = 500;
/** Metadata-only responses per writer call (about 30 bytes each: one ~60 KiB write). */
const META_CHUNK = 2000;
/** Sections above this many bytes are streamed from the blob store rather than read into memory. */
const STREAM_THRESHOLD = 256 * 1024;

export const fetchCommand: CommandModule<'FETCH'> = {
  names: ['FETCH'],
  states: ['selected'],
  usesSequenceNumbers: (cmd) => !cmd.uid,
  capabilities: ['BINARY', 'PREVIEW', 'SAVEDATE', 'OBJECTID'],
  async run(cmd, ctx) {
    const view = viewOf(ctx);
    const mailboxId = view.mailbox.id;
    // RFC 7162 §3.2.6: VANISHED needs ENABLE QRESYNC (the grammar already demands UID FETCH and CHANGEDSINCE).
    if (cmd.vanished && !ctx.enabled.has('QRESYNC')) throw new ImapError('BAD', null, 'VANISHED needs ENABLE QRESYNC first');
    const changedSince = cmd.changedSince;
    // RFC 7162 §3.1: MODSEQ and CHANGEDSINCE are CONDSTORE enabling; CHANGEDSINCE implies MODSEQ (§3.1.4.1).
    let items: readonly FetchAtt[] = cmd.items;
    if (changedSince !== null || items.some((a) => a.kind === 'MODSEQ')) await enableCondstore(ctx);
    if (changedSince !== null && !items.some((a) => a.kind === 'MODSEQ')) items = [...items, { kind: 'MODSEQ' }];
    // Messages expunged by another session but still numbered here are skipped (RFC 9051 §7.5.1
    // lets the server omit them); their bytes may already be gone.
    let uids = view.resolveLive(cmd.set, cmd.uid, ctx.savedSearch);
    if (changedSince !== null) {
      uids = uids.filter((u) => (view.meta(u)?.modseq ?? 0) > changedSince);
      // RFC 7162 §3.2.6: VANISHED (EARLIER) comes before any FETCH response.
      if (cmd.vanished) await sendVanishedEarlier(ctx, view, changedSince, cmd.set.kind === 'saved' ? savedAsSet(ctx.savedSearch) : cmd.set);
    }
    const setsSeen = fetchSetsSeen(items) && !view.readOnly;
    const envelopes = envelopeSource(ctx.store);
    // ENVELOPE alone (with metadata items) reads the stored envelope, not the whole summary.
    const needsSummary = fetchNeedsSummary(items, envelopes !== null);
    const envelopeApart = envelopes !== null && !needsSummary && items.some((a) => a.kind === 'ENVELOPE');
    // A FETCH that sets \Seen reports the new FLAGS; under CONDSTORE with UID and MODSEQ (RFC 7162 §3.2.4).
    const extra: FetchAtt[] = [{ kind: 'FLAGS' }, ...(condstoreOn(ctx) ? [{ kind: 'UID' } as const, { kind: 'MODSEQ' } as const] : [])];
    const withFlags: FetchAtt[] = [...items, ...extra.filter((e) => !items.some((a) => a.kind === e.kind))];

    const fetchOptions = { imap4rev2: ctx.rev2, includeUid: cmd.uid, streamThreshold: STREAM_THRESHOLD };
    // Other connections get the event loop between messages once this FETCH has had it a while.
    const slice = new TimeSlice();
    if (!setsSeen && fetchIsMetaOnly(items)) {
      // FLAGS, UID, MODSEQ...: straight from the view's metadata, no store access at all; one walk
      // along the numbering per chunk, one string and one writer call per chunk (no await, object
      // or lookup per message).
      const kinds = metaItems(items, cmd.uid);
      const showRecent = !ctx.rev2;
      for (let i = 0; i < uids.length; i += META_CHUNK) {
        const lines: string[] = [];
        view.walk(uids, i, Math.min(i + META_CHUNK, uids.length), (msn, meta, recent) => {
          lines.push(formatMetaLine(kinds, msn, meta, recent && showRecent));
        });
        // The writer adds "* " before and CRLF after; the separators make the rest whole lines.
        if (lines.length > 0) await ctx.untagged(new Preformatted(lines.join('\r\n* ')));
        const pause = slice.pass();
        if (pause) await pause;
      }
      return { text: 'FETCH completed' };
    }
    const texts = envelopeTextSource(ctx.store);
    if (!setsSeen && texts && fetchIsEnvelopeLines(items)) {
      await fetchEnvelopeLines(texts);
      return { text: 'FETCH completed' };
    }
    // Without message bytes, responses are grouped into few writes; with them, one at a time.
    const out = new FetchBatch((...parts) => ctx.untagged(...parts), fetchIsSmall(items) ? 200 : 1);
    try {
      await fetchInBatches();
    } finally {
      await out.flush(); // what was built before an error still goes out, as it did unbatched
    }
    return { text: 'FETCH completed' };

    /** ENVELOPE with metadata items: one line of text per message from the stored envelope text;
     *  contents stored without it (8-bit header values, see envelope-text.ts) go through the value
     *  tree, serialized in this session's mode. */
    async function fetchEnvelopeLines(source: EnvelopeTextSource): Promise<void> {
      const kinds = metaItems(items, cmd.uid);
      const lines = new FetchBatch((...parts) => ctx.untagged(...parts), 1000);
      try {
        for (let i = 0; i < uids.length; i += ENVELOPE_BATCH) {
          const batch = i === 0 && uids.length <= ENVELOPE_BATCH ? uids : uids.slice(i, i + ENVELOPE_BATCH);
          const found = await source.getEnvelopeTexts(mailboxId, batch);
          for (const uid of batch) {
            const meta = view.meta(uid);
            const msn = view.msnOf(uid);
            if (!meta || msn === 0) continue;
            const envelope = found.get(uid);
            const target = { msn, meta, recent: view.isRecent(uid) };
            let full;
            if (typeof envelope === 'string') full = lines.addText(formatMetaFetch(kinds, target, fetchOptions, envelope));
            else if (envelope !== undefined) full = lines.addData(msn, await buildFetchData(items, target, { ...NO_BYTES, loadEnvelope: async () => envelope }, fetchOptions));
            // No row: another session expunged it since this view looked (RFC 9051 §7.5.1: skip it).
            else if (!(await expungedMeanwhile(ctx, mailboxId, view.modseq, uid))) throw new ImapError('NO', null, `Message UID ${uid} has no stored envelope`);
            if (full) await full;
            const pause = slice.pass();
            if (pause) await pause;
          }
        }
      } finally {
        await lines.flush();
      }
    }

    async function fetchInBatches(): Promise<void> {
      for (let i = 0; i < uids.length; i += BATCH) {
        const batch = uids.slice(i, i + BATCH);
        const changedFlags = new Set<number>();
        if (setsSeen) {
          // RFC 9051 §6.4.5: a non-PEEK body fetch sets \Seen; the changed FLAGS go with the response.
          const unseen = batch.filter((u) => !view.meta(u)?.flags.includes('\\Seen'));
          if (unseen.length > 0) {
            const result = await ctx.store.storeFlags(mailboxId, unseen, 'add', ['\\Seen']);
            view.noteOwnChanges(result.updated);
            for (const m of result.updated) changedFlags.add(m.uid);
          }
        }
        const summaries: Map<number, MessageSummary> = needsSummary ? await ctx.store.getSummaries(mailboxId, batch) : new Map();
        const envelopeMap = envelopeApart && envelopes ? await envelopes.getEnvelopes(mailboxId, batch) : null;
        const deps = {
          async loadSummary(meta: MessageMeta): Promise<MessageSummary> {
            const known = summaries.get(meta.uid) ?? (await ctx.store.getSummaries(mailboxId, [meta.uid])).get(meta.uid);
            if (!known) throw new ImapError('NO', null, `Message UID ${meta.uid} has no stored structure`);
            return known;
          },
          readMessage: (blobId: string, start?: number, end?: number) => ctx.store.readMessage(blobId, start, end),
          streamMessage: (blobId: string, start?: number, end?: number) => ctx.store.streamMessage(blobId, start, end),
          loadBodyText: (meta: MessageMeta) => ctx.store.getBodyText(meta.blobId),
          ...(envelopeMap && {
            async loadEnvelope(meta: MessageMeta): Promise<Envelope> {
              const known = envelopeMap.get(meta.uid);
              if (!known) throw new ImapError('NO', null, `Message UID ${meta.uid} has no stored envelope`);
              return known;
            },
          }),
        };
        for (const uid of batch) {
          const meta = view.meta(uid);
          const msn = view.msnOf(uid);
          if (!meta || msn === 0) continue;
          const wanted = changedFlags.has(uid) ? withFlags : items;
          let data;
          try {
            data = await buildFetchData(wanted, { msn, meta, recent: view.isRecent(uid) }, deps, fetchOptions);
          } catch (err) {
            // Another session may have expunged it (and its bytes) since this view last looked:
            // skip it like the other expunged ones (RFC 9051 §7.5.1); anything else is a real error.
            if (err instanceof ImapError || !(await expungedMeanwhile(ctx, mailboxId, view.modseq, uid))) throw err;
            continue;
          }
          const full = out.addData(msn, data);
          if (full) await full;
          const pause = slice.pass();
          if (pause) await pause;
        }
      }
    }
  },
};

/** Stores that keep the envelope apart (the SQLite store) offer it outside the Store interface. */
interface EnvelopeSource {
  getEnvelopes(mailboxId: number, uids: readonly number[]): Promise<Map<number, Envelope>>;
}

/** Stores that keep the envelope as IMAP text (the SQLite store) offer it outside the Store interface:
 *  per UID the text, or the Envelope where none is stored. */
interface EnvelopeTextSource {
  getEnvelopeTexts(mailboxId: number, uids: readonly number[]): Promise<Map<number, string | Envelope>>;
}

function envelopeTextSource(store: object): EnvelopeTextSource | null {
  return typeof (store as Partial<EnvelopeTextSource>).getEnvelopeTexts === 'function' ? (store as EnvelopeTextSource) : null;
}

/** Deps of a response that needs neither the summary nor the bytes (ENVELOPE and metadata items). */
const NO_BYTES = {
  loadSummary(meta: MessageMeta): Promise<MessageSummary> {
    throw new ImapError('NO', null, `Message UID ${meta.uid}: no summary for this response`);
  },
  readMessage(): Promise<Buffer> {
    throw new ImapError('NO', null, 'No message bytes for this response');
  },
  streamMessage(): NodeJS.ReadableStream {
    throw new ImapError('NO', null, 'No message bytes for this response');
  },
  loadBodyText(): Promise<string> {
    throw new ImapError('NO', null, 'No body text for this response');
  },
};

function envelopeSource(store: object): EnvelopeSource | null {
  return typeof (store as Partial<EnvelopeSource>).getEnvelopes === 'function' ? (store as EnvelopeSource) : null;
}

/** The saved SEARCH result (RFC 5182) as a UID set; empty when there is none. */
function savedAsSet(saved: readonly number[] | null): SequenceSet {
  return { kind: 'set', ranges: (saved ?? []).map((u) => ({ start: u, end: u })) };
}

async function expungedMeanwhile(ctx: CommandContext, mailboxId: number, modseq: number, uid: number): Promise<boolean> {
  const changes = await ctx.store.changesSince(mailboxId, modseq);
  return changes.expunged.includes(uid);
}
