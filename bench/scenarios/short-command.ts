// A command that takes a tenth of a millisecond, timed twice on one connection: the median of its
// first FIRST_RUNS after the server started, then the median of STEADY_RUNS more. A server on a
// JIT (Postkeep on V8) runs a command's code in the interpreter until it has run often enough to be
// compiled, so the first runs measure warm-up as much as the command (docs/BENCHMARKS.md part 10:
// Postkeep's STATUS took 140-160 us of server time in its first 21 runs and 55-85 us after
// thousands). A server in production answers thousands of such commands a minute. Both figures are
// reported and compared; neither replaces the other. Both are timed with client and server on one
// CPU (affinity.ts): unpinned, the scheduler's placement decided the median.
import { onOneCpu } from '../load/affinity.js';
import type { ImapClient } from '../load/imap-client.js';
import { Latencies, round } from '../load/stats.js';
import type { Figure } from './types.js';

export const FIRST_RUNS = 21;
export const STEADY_RUNS = 500;

interface ShortCommand {
  readonly key: string;
  /** What the command is, without the sample counts (they are added). */
  readonly label: string;
  readonly command: string;
  /** Kept in each figure's detail (hit counts, say). */
  readonly detail?: () => Record<string, unknown>;
}

/** serverPids: every process of the server, pinned with this one while the command is timed. */
export async function timeShortCommand(client: ImapClient, serverPids: readonly number[], what: ShortCommand): Promise<Figure[]> {
  const first = new Latencies();
  const steady = new Latencies();
  const { placement } = await onOneCpu(serverPids, async () => {
    for (let i = 0; i < FIRST_RUNS; i++) first.add((await client.command(what.command)).ms);
    for (let i = 0; i < STEADY_RUNS; i++) steady.add((await client.command(what.command)).ms);
  });
  const firstSummary = first.summary();
  const firstDetail = { command: what.command, placement, max: round(firstSummary.max), ...what.detail?.() };
  const s = steady.summary();
  return [
    { key: what.key, label: `${what.label} (median of the first ${FIRST_RUNS})`, unit: 'ms', better: 'lower', value: round(firstSummary.p50, 3), detail: firstDetail },
    {
      key: `${what.key}_steady`,
      label: `${what.label} (median of the next ${STEADY_RUNS})`,
      unit: 'ms',
      better: 'lower',
      value: round(s.p50, 3),
      detail: { command: what.command, placement, p99: round(s.p99, 3), max: round(s.max), ...what.detail?.() },
    },
  ];
}
