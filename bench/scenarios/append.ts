// Scenario 2: APPEND of 4 KB and of 200 KB messages, 10 clients each logged in to its own account,
// LITERAL+ (no round trip before the bytes). Every message is distinct (a content-addressed store
// must not get away with writing a blob once), also across rounds (--rounds: offset by the round).
import { ImapClient, type Endpoint } from '../load/imap-client.js';
import { sizedMessage } from '../load/messages.js';
import { runLoop } from '../load/run-loop.js';
import { round } from '../load/stats.js';
import { PASSWORD, userName, users, type Figure, type Scenario } from './types.js';

const CLIENTS = 10;

export async function loggedIn(endpoint: Endpoint, names: readonly string[]): Promise<ImapClient[]> {
  const clients: ImapClient[] = [];
  try {
    for (const name of names) {
      const c = await ImapClient.connect(endpoint);
      clients.push(c);
      await c.login(name, PASSWORD);
    }
  } catch (err) {
    for (const c of clients) c.close();
    throw err;
  }
  return clients;
}

export const append: Scenario = {
  name: 'append',
  title: '2. APPEND, 10 clients',
  accounts: () => users('user', 20, 200, false),
  run: async ({ target, settings, round: nth = 1 }) => {
    const clients = await loggedIn(
      target.imap,
      Array.from({ length: CLIENTS }, (_, i) => userName('user', i)),
    );
    const figures: Figure[] = [];
    try {
      for (const [size, label, maxOps] of [
        [4 * 1024, '4 KB', 50_000],
        [200 * 1024, '200 KB', 5000],
      ] as const) {
        let bytes = 0;
        const r = await runLoop({ workers: CLIENTS, durationMs: settings.quick ? 3000 : 10_000, maxOps }, async (w, i) => {
          const message = sizedMessage(1_000_000 * size + (nth - 1) * maxOps + i, size);
          bytes += message.length;
          const c = clients[w];
          if (!c) throw new Error('no client');
          await c.append('INBOX', message);
        });
        const mbps = bytes / 1e6 / (r.elapsedMs / 1000);
        const detail = { ops: r.ops, errors: r.errors, firstError: r.firstError, elapsedMs: round(r.elapsedMs), latency: r.latency };
        figures.push(
          { key: `append_${size}_msgs`, label: `APPEND ${label} msg/s`, unit: '1/s', better: 'higher', value: round(r.opsPerSec), detail },
          { key: `append_${size}_mb`, label: `APPEND ${label} MB/s`, unit: 'MB/s', better: 'higher', value: round(mbps) },
          { key: `append_${size}_p99`, label: `APPEND ${label} p99`, unit: 'ms', better: 'lower', value: round(r.latency.p99) },
        );
      }
    } finally {
      for (const c of clients) await c.logout();
    }
    return figures;
  },
};
