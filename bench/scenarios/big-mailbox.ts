// Scenario 4: one mailbox of settings.bigCount messages (100,000 by default). SELECT on a fresh
// connection: first = cold (Dovecot builds its index from the Maildir here), then warm, the median
// of WARM_SELECTS fresh connections (the figure compared: one sample swung 1.07x-1.49x between
// runs of one tree, docs/BENCHMARKS.md part 5), UID FETCH 1:* (UID FLAGS) twice (second compared),
// FETCH n (BODY.PEEK[]) of random messages, 4 in flight on one connection, as MB/s, then FETCH 1:*
// (ENVELOPE) twice (second compared). Before those, STATUS of the mailbox (short-command.ts: the
// median of its first runs and of many more).
// BODY.PEEK rather than BODY[]: the read must not turn into a \Seen flag write. The cold SELECT and
// the first FETCHes are firstOnly: in a later round (--rounds) the server has built its index already.
import { ImapClient, type Endpoint, type Reply } from '../load/imap-client.js';
import { runLoop } from '../load/run-loop.js';
import { Latencies, round } from '../load/stats.js';
import { timeShortCommand } from './short-command.js';
import { PASSWORD, type Figure, type Scenario } from './types.js';

export const BIG_USER = 'big';
/** Fresh connections whose SELECT makes the warm figure (LOGIN is not timed). */
const WARM_SELECTS = 21;

export async function openBig(endpoint: Endpoint): Promise<{ client: ImapClient; select: Reply }> {
  const client = await ImapClient.connect(endpoint);
  await client.login(BIG_USER, PASSWORD);
  const select = await client.command('SELECT INBOX');
  return { client, select };
}

/** Deterministic pseudo-random sequence (same messages asked of both servers). */
export function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

export const bigMailbox: Scenario = {
  name: 'big-mailbox',
  title: '4. A 100,000-message mailbox',
  accounts: (s) => [{ login: BIG_USER, password: 'bench-secret', cheapHash: true, inbox: s.bigCount }],
  run: async ({ target, settings, round: nth = 1 }) => {
    const cold = await openBig(target.imap);
    await cold.client.logout();
    const warm = new Latencies();
    let firstWarmMs = NaN;
    for (let i = 1; i < WARM_SELECTS; i++) {
      const { client, select } = await openBig(target.imap);
      await client.logout();
      warm.add(select.ms);
      if (i === 1) firstWarmMs = select.ms;
    }
    const { client, select } = await openBig(target.imap);
    warm.add(select.ms);
    const warmSummary = warm.summary();
    const figures: Figure[] = [];
    try {
      // STATUS of the selected 100k mailbox, as clients poll it.
      figures.push(...(await timeShortCommand(client, target.pids(), { key: 'status', label: 'STATUS (MESSAGES UNSEEN UIDNEXT)', command: 'STATUS INBOX (MESSAGES UNSEEN UIDNEXT)' })));
      const flags1 = await client.command('UID FETCH 1:* (UID FLAGS)');
      const flags2 = await client.command('UID FETCH 1:* (UID FLAGS)');
      // BODY.PEEK[] before the ENVELOPE FETCHes, so that both servers read bodies from a page cache
      // with the same history: Dovecot's first FETCH 1:* (ENVELOPE) reads every message file (its
      // whole Maildir was resident after it), Postkeep's reads a table of envelopes and no body. In
      // the old order Dovecot's bodies were all cached when BODY.PEEK[] began and Postkeep's not
      // (docs/BENCHMARKS.md part 7).
      // Other messages in each round: a later round should not read only what the last one cached.
      const random = lcg(42 + nth - 1);
      // Bytes of the literals as they arrive on the connection: with 4 commands in flight a reply's
      // own literalBytes also counts the other three's (until part 6 the sum of those, with lost
      // updates, which happened to come out near the truth).
      const literalsBefore = client.literalBytesIn;
      const r = await runLoop({ workers: 4, durationMs: settings.quick ? 2000 : 8000, maxOps: 200_000 }, async () => {
        const n = 1 + Math.floor(random() * settings.bigCount);
        await client.command(`FETCH ${n} (BODY.PEEK[])`);
      });
      const literalBytes = client.literalBytesIn - literalsBefore;
      const env1 = await client.command('FETCH 1:* (ENVELOPE)');
      const env2 = await client.command('FETCH 1:* (ENVELOPE)');
      const n = settings.bigCount;
      figures.push(
        { key: 'select_cold', label: 'SELECT, first (cold)', unit: 'ms', better: 'lower', value: round(cold.select.ms), firstOnly: true },
        {
          key: 'select_warm',
          label: `SELECT, warm (median of ${WARM_SELECTS} new connections; compared)`,
          unit: 'ms',
          better: 'lower',
          value: round(warmSummary.p50),
          detail: { first: round(firstWarmMs), max: round(warmSummary.max), mean: round(warmSummary.mean) },
        },
        { key: 'fetch_flags_first', label: `UID FETCH 1:${n} (UID FLAGS), first`, unit: 'ms', better: 'lower', value: round(flags1.ms), detail: { untagged: flags1.untagged, bytes: flags1.bytes }, firstOnly: true },
        { key: 'fetch_flags', label: `UID FETCH 1:${n} (UID FLAGS), second`, unit: 'ms', better: 'lower', value: round(flags2.ms), detail: { untagged: flags2.untagged, bytes: flags2.bytes } },
        { key: 'fetch_envelope_first', label: `FETCH 1:${n} (ENVELOPE), first`, unit: 'ms', better: 'lower', value: round(env1.ms), detail: { untagged: env1.untagged, bytes: env1.bytes }, firstOnly: true },
        { key: 'fetch_envelope', label: `FETCH 1:${n} (ENVELOPE), second`, unit: 'ms', better: 'lower', value: round(env2.ms), detail: { untagged: env2.untagged, bytes: env2.bytes } },
        {
          key: 'fetch_body_mb',
          label: 'FETCH n (BODY.PEEK[]) random, 4 in flight',
          unit: 'MB/s',
          better: 'higher',
          value: round(literalBytes / 1e6 / (r.elapsedMs / 1000)),
          detail: { fetches: r.ops, perSec: round(r.opsPerSec), errors: r.errors, firstError: r.firstError, latency: r.latency },
        },
      );
    } finally {
      await client.logout();
    }
    return figures;
  },
};
