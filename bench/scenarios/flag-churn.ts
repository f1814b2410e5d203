// Scenario 6: flag churn. 10 clients, each in its own account's INBOX, STORE +FLAGS (\Flagged) and
// -FLAGS (\Flagged) alternately on random messages among the first 200, for a bounded time.
import { runLoop } from '../load/run-loop.js';
import { round } from '../load/stats.js';
import { loggedIn } from './append.js';
import { lcg } from './big-mailbox.js';
import { userName, users, type Scenario } from './types.js';

const CLIENTS = 10;

export const flagChurn: Scenario = {
  name: 'flag-churn',
  title: '6. Flag churn, 10 clients',
  accounts: () => users('user', 20, 200, false),
  run: async ({ target, settings }) => {
    const clients = await loggedIn(
      target.imap,
      Array.from({ length: CLIENTS }, (_, i) => userName('user', i)),
    );
    try {
      for (const c of clients) await c.command('SELECT INBOX');
      const random = lcg(7);
      const r = await runLoop({ workers: CLIENTS, durationMs: settings.churnSeconds * 1000, maxOps: 2_000_000 }, async (w, i) => {
        const n = 1 + Math.floor(random() * 200);
        await clients[w]?.command(`STORE ${n} ${i % 2 === 0 ? '+' : '-'}FLAGS (\\Flagged)`);
      });
      const detail = { ops: r.ops, errors: r.errors, firstError: r.firstError, elapsedMs: round(r.elapsedMs), latency: r.latency };
      return [
        { key: 'store_ops', label: 'STORE ops/s', unit: '1/s', better: 'higher', value: round(r.opsPerSec), detail },
        { key: 'store_p99', label: 'STORE p99', unit: 'ms', better: 'lower', value: round(r.latency.p99) },
      ];
    } finally {
      for (const c of clients) await c.logout();
    }
  },
};
