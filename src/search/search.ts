// SEARCH evaluation (RFC 9051 §6.4.4): metadata keys first, then summaries (one batched load for
// the messages still undecided), then body texts only for the messages still undecided after that.
import type { SearchKey } from '../imap/wire/ast.js';
import { TimeSlice } from '../imap/time-slice.js';
import { Candidate } from './candidate.js';
import { compileKey, type Predicate } from './compile.js';
import { scanHeaders } from './header-scan.js';
import { keyNeeds } from './needs.js';
import type { MessageMeta } from '../store/types.js';
import type { MessageWalk, SearchContext } from './types.js';

/** UIDs per loadSummaries call, so one huge mailbox is not one huge query. */
const SUMMARY_BATCH = 1000;
/** Body texts read at once. */
const BODY_CONCURRENCY = 4;

/** The UIDs of the messages that match `key`, ascending. */
export async function searchMessages(key: SearchKey, ctx: SearchContext): Promise<number[]> {
  const walk = walkOf(ctx.messages);
  let lastMsn = ctx.lastMsn ?? 0;
  let highestUid = ctx.highestUid ?? 0;
  if (ctx.lastMsn === undefined || ctx.highestUid === undefined) {
    walk((msn, meta) => {
      if (ctx.lastMsn === undefined) lastMsn = msn;
      if (ctx.highestUid === undefined) highestUid = Math.max(highestUid, meta.uid);
    });
  }
  const predicate = compileKey(key, {
    lastMsn,
    highestUid,
    savedResult: ctx.savedResult,
    now: ctx.now,
  });
  const needs = keyNeeds(key);

  const matched: number[] = [];
  let pending = judgeMetadata(walk, predicate, matched);
  // Body texts and batches of rows read from SQLite are at hand at once: without a pause now and
  // then, a SEARCH BODY of 100k messages held every other connection for seconds (time-slice.ts).
  const slice = new TimeSlice();
  const pass = async (): Promise<void> => {
    const pause = slice.pass();
    if (pause) await pause;
  };

  // SENT* read the store's sent dates when it has them, else the summary (which then serves the
  // header keys too). Header keys read the store's short header text; the summary where it has none.
  const loadSentDates = needs.sentDate ? ctx.loadSentDates : undefined;
  const needsSummary = needs.sentDate && loadSentDates === undefined;
  const loadHeaderText = needs.headers && !needsSummary ? ctx.loadHeaderText : undefined;
  if (pending.length > 0 && loadHeaderText) {
    // One pass over the mailbox when the store offers it; per-UID batches for what it leaves.
    const unscanned = (await scanHeaders(key, pending, ctx, walk)) ?? pending;
    const without: Candidate[] = [];
    for (let i = 0; i < unscanned.length; i += SUMMARY_BATCH) {
      const batch = unscanned.slice(i, i + SUMMARY_BATCH);
      const texts = await loadHeaderText(batch.map((c) => c.msg.meta.uid));
      for (const c of batch) {
        const text = texts.get(c.msg.meta.uid);
        if (typeof text === 'string') c.headerText = text;
        else without.push(c);
      }
      await pass();
    }
    await loadSummaries(without, ctx, pass);
    pending = judge(pending, predicate, matched);
  } else if (pending.length > 0 && (needsSummary || needs.headers)) {
    await loadSummaries(pending, ctx, pass);
    pending = judge(pending, predicate, matched);
  }

  if (pending.length > 0 && loadSentDates) {
    for (let i = 0; i < pending.length; i += SUMMARY_BATCH) {
      const batch = pending.slice(i, i + SUMMARY_BATCH);
      const dates = await loadSentDates(batch.map((c) => c.msg.meta.uid));
      for (const c of batch) c.sentDate = dates.get(c.msg.meta.uid) ?? null;
      await pass();
    }
    pending = judge(pending, predicate, matched);
  }

  if (pending.length > 0 && needs.body) {
    let next = 0;
    const worker = async (): Promise<void> => {
      for (let c = pending[next++]; c !== undefined; c = pending[next++]) {
        c.summary ??= null; // only when no key needed it
        c.body = await ctx.loadBodyText(c.msg.meta);
        // Everything is loaded now, so the verdict is known; anything else is treated as no match.
        if (predicate(c) === true) matched.push(c.msg.meta.uid);
        c.releaseBody();
        // Inline rather than `await pass()`: no promise per message when there is nothing to wait for.
        const pause = slice.pass();
        if (pause) await pause;
      }
    };
    await Promise.all(Array.from({ length: Math.min(BODY_CONCURRENCY, pending.length) }, worker));
  }

  return matched.sort((a, b) => a - b);
}

async function loadSummaries(candidates: readonly Candidate[], ctx: SearchContext, pass: () => Promise<void>): Promise<void> {
  for (let i = 0; i < candidates.length; i += SUMMARY_BATCH) {
    const batch = candidates.slice(i, i + SUMMARY_BATCH);
    const summaries = await ctx.loadSummaries(batch.map((c) => c.msg.meta.uid));
    for (const c of batch) c.summary = summaries.get(c.msg.meta.uid) ?? null;
    await pass();
  }
}

function walkOf(messages: SearchContext['messages']): MessageWalk {
  if (typeof messages === 'function') return messages;
  return (fn) => {
    for (const m of messages) fn(m.msn, m.meta, m.recent);
  };
}

/**
 * The first pass, on metadata alone: adds the matches to `matched` and returns a Candidate for each
 * message that cannot be decided yet. One Candidate (and one message object) is reused to judge
 * them all: it has nothing loaded, so no cache of it is filled. On a 100,000-message mailbox an
 * object per message was most of SEARCH DELETED's time, in the garbage collector.
 */
function judgeMetadata(walk: MessageWalk, predicate: Predicate, matched: number[]): Candidate[] {
  const pending: Candidate[] = [];
  const probe = new Candidate({ msn: 0, meta: undefined as unknown as MessageMeta, recent: false });
  const msg = probe.msg as { msn: number; meta: MessageMeta; recent: boolean };
  walk((msn, meta, recent) => {
    msg.msn = msn;
    msg.meta = meta;
    msg.recent = recent;
    const v = predicate(probe);
    if (v === true) matched.push(meta.uid);
    else if (v === undefined) pending.push(new Candidate({ msn, meta, recent }));
  });
  return pending;
}

/** Adds the matches to `matched` and returns the candidates that cannot be decided yet. */
function judge(candidates: readonly Candidate[], predicate: Predicate, matched: number[]): Candidate[] {
  const pending: Candidate[] = [];
  for (const c of candidates) {
    const v = predicate(c);
    if (v === true) matched.push(c.msg.meta.uid);
    else if (v === undefined) pending.push(c);
  }
  return pending;
}
