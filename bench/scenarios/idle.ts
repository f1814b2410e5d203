// Scenario 7: settings.idleCount connections logged in to one account, INBOX selected, in IDLE.
// Server memory (RSS and PSS summed over all its processes) before and with them, per connection;
// then one delivery (LMTP when the server has it, else APPEND from another connection) and the time
// until each IDLE client has seen the new EXISTS.
import { performance } from 'node:perf_hooks';
import { ImapClient } from '../load/imap-client.js';
import { LmtpClient } from '../load/lmtp-client.js';
import { memoryOf } from '../load/memory.js';
import { sizedMessage } from '../load/messages.js';
import { Latencies, round } from '../load/stats.js';
import { PASSWORD, type Scenario } from './types.js';

export const IDLE_USER = 'idle';
const CONNECT_IN_PARALLEL = 50;
const SETUP_BOUND_MS = 15 * 60 * 1000;
const NOTIFY_BOUND_MS = 120_000;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export const idle: Scenario = {
  name: 'idle',
  title: '7. Idle connections',
  accounts: () => [{ login: IDLE_USER, password: PASSWORD, cheapHash: true, inbox: 10 }],
  run: async ({ target, settings, log, round: nth = 1 }) => {
    const n = settings.idleCount;
    await sleep(1000);
    const before = memoryOf(target.pids());
    const clients: ImapClient[] = [];
    const exists: number[] = [];
    const seenAt: number[] = [];
    let failures = 0;
    let idling = 0;
    let firstError: string | null = null;
    const setupStart = performance.now();
    try {
      let next = 0;
      const opener = async (): Promise<void> => {
        while (next < n && performance.now() - setupStart < SETUP_BOUND_MS && failures < 50) {
          const k = next++;
          try {
            const c = await ImapClient.connect(target.imap, 60_000);
            clients.push(c);
            c.onUntagged = (line) => {
              const m = /^\* (\d+) EXISTS/.exec(line);
              if (!m) return;
              const count = Number(m[1]);
              if (exists[k] === undefined) exists[k] = count;
              else if (count > (exists[k] ?? 0) && seenAt[k] === undefined) seenAt[k] = performance.now();
            };
            await c.login(IDLE_USER, PASSWORD);
            await c.command('SELECT INBOX');
            await c.idle(60_000);
            idling++;
          } catch (err) {
            failures++;
            firstError ??= err instanceof Error ? err.message : String(err);
          }
          if (k % 1000 === 999) log(`  ${target.name}: ${k + 1}/${n} idle`);
        }
      };
      await Promise.all(Array.from({ length: CONNECT_IN_PARALLEL }, opener));
      const setupMs = performance.now() - setupStart;
      await sleep(3000);
      const during = memoryOf(target.pids());

      // A new message in every round (--rounds).
      const message = sizedMessage(3_000_000_000 + nth - 1, 4096);
      const t0 = performance.now();
      let method: string;
      if (target.lmtp) {
        method = 'LMTP';
        const l = await LmtpClient.connect(target.lmtp);
        await l.deliver('sender@example.com', [`${IDLE_USER}@example.org`], message);
        await l.quit();
      } else {
        method = 'APPEND';
        const c = await ImapClient.connect(target.imap);
        await c.login(IDLE_USER, PASSWORD);
        await c.append('INBOX', message);
        await c.logout();
      }
      const deliveredMs = performance.now() - t0;
      while (performance.now() - t0 < NOTIFY_BOUND_MS && seenAt.filter((x) => x !== undefined).length < idling) await sleep(50);
      const latencies = new Latencies();
      for (const at of seenAt) if (at !== undefined) latencies.add(at - t0);
      const notify = latencies.summary();
      const perConn = (kib: number, base: number): number => round((kib - base) / Math.max(1, idling), 1);
      const detail = { requested: n, idling, failures, firstError, setupMs: round(setupMs), before, during, method, deliveredMs: round(deliveredMs), notify };
      return [
        { key: 'idle_connections', label: 'connections in IDLE', unit: 'count', better: 'higher', value: idling, detail },
        { key: 'idle_rss_per_conn', label: 'RSS per idle connection', unit: 'KiB', better: 'lower', value: perConn(during.rssKiB, before.rssKiB), detail: { processes: during.processes, rssTotalKiB: during.rssKiB } },
        { key: 'idle_pss_per_conn', label: 'PSS per idle connection', unit: 'KiB', better: 'lower', value: perConn(during.pssKiB, before.pssKiB), detail: { pssTotalKiB: during.pssKiB } },
        { key: 'idle_pss_total', label: 'server PSS total with them', unit: 'MiB', better: 'lower', value: round(during.pssKiB / 1024, 1) },
        // The delta above can go negative when earlier scenarios left garbage that is collected
        // meanwhile; the whole server's PSS divided by the connections is an upper bound that cannot.
        { key: 'idle_pss_total_per_conn', label: 'server PSS total / idle connections', unit: 'KiB', better: 'lower', value: round(during.pssKiB / Math.max(1, idling), 1) },
        { key: 'idle_notify_p50', label: `EXISTS seen after one ${method}, p50`, unit: 'ms', better: 'lower', value: round(notify.p50) },
        { key: 'idle_notify_p99', label: `EXISTS seen after one ${method}, p99`, unit: 'ms', better: 'lower', value: round(notify.p99), detail: { seen: notify.count, max: notify.max } },
      ];
    } finally {
      for (const c of clients) c.close();
      await sleep(1000);
    }
  },
};
