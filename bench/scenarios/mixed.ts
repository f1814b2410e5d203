// Scenario 8: a mixed run imitating mail clients on 20 accounts: settings.mixedIdle connections in
// IDLE, 10 clients syncing in a loop (SELECT, UID FETCH 1:* (UID FLAGS), headers of messages newer
// than the last seen UID, one random BODY.PEEK[], STORE +FLAGS (\Seen) on it), and 4 clients
// appending 4 KB messages with a 100 ms pause between them (new mail arriving; distinct in every
// round). Bounded in time.
import { performance } from 'node:perf_hooks';
import { ImapClient } from '../load/imap-client.js';
import { sizedMessage } from '../load/messages.js';
import { runLoop } from '../load/run-loop.js';
import { Latencies, round } from '../load/stats.js';
import { loggedIn } from './append.js';
import { lcg } from './big-mailbox.js';
import { PASSWORD, userName, users, type Scenario } from './types.js';

const ACCOUNTS = 20;
const SYNCERS = 10;
const APPENDERS = 4;
const MAX_OPS = 1_000_000;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export const mixed: Scenario = {
  name: 'mixed',
  title: '8. Mixed clients',
  accounts: () => users('mix', ACCOUNTS, 200, true),
  run: async ({ target, settings, round: nth = 1 }) => {
    const idlers: ImapClient[] = [];
    let notifications = 0;
    const syncers = await loggedIn(
      target.imap,
      Array.from({ length: SYNCERS }, (_, i) => userName('mix', i)),
    );
    const appenders = await loggedIn(
      target.imap,
      Array.from({ length: APPENDERS }, (_, i) => userName('mix', i * 5)),
    );
    try {
      for (let i = 0; i < settings.mixedIdle; i++) {
        const c = await ImapClient.connect(target.imap);
        idlers.push(c);
        c.onUntagged = (line) => {
          if (/^\* \d+ EXISTS/.test(line)) notifications++;
        };
        await c.login(userName('mix', i % ACCOUNTS), PASSWORD);
        await c.command('SELECT INBOX');
        await c.idle();
      }
      notifications = 0;
      const lastUid = new Array<number>(SYNCERS).fill(0);
      const random = lcg(99);
      const durationMs = settings.mixedSeconds * 1000;
      let appends = 0;
      const appendLatency = new Latencies();
      const appending = runLoop({ workers: APPENDERS, durationMs, maxOps: MAX_OPS }, async (w, i) => {
        const reply = await appenders[w]?.append('INBOX', sizedMessage(4_000_000_000 + (nth - 1) * MAX_OPS + i, 4096));
        appendLatency.add(reply?.ms ?? NaN);
        appends++;
        await sleep(100);
      });
      const syncing = runLoop({ workers: SYNCERS, durationMs, maxOps: 1_000_000 }, async (w) => {
        const c = syncers[w];
        if (!c) throw new Error('no client');
        let exists = 0;
        c.onUntagged = (line) => {
          const m = /^\* (\d+) EXISTS/.exec(line);
          if (m) exists = Number(m[1]);
        };
        await c.command('SELECT INBOX');
        await c.command('UID FETCH 1:* (UID FLAGS)');
        const from = (lastUid[w] ?? 0) + 1;
        const headers = await c.command(`UID FETCH ${from}:* (UID RFC822.SIZE FLAGS INTERNALDATE BODY.PEEK[HEADER.FIELDS (FROM TO SUBJECT DATE MESSAGE-ID)])`);
        lastUid[w] = Math.max(lastUid[w] ?? 0, from + headers.untagged - 1);
        if (exists > 0) {
          const n = 1 + Math.floor(random() * exists);
          await c.command(`FETCH ${n} (BODY.PEEK[])`);
          await c.command(`STORE ${n} +FLAGS (\\Seen)`);
        }
      });
      const t0 = performance.now();
      const [a, s] = await Promise.all([appending, syncing]);
      const appendSummary = appendLatency.summary();
      const elapsed = performance.now() - t0;
      const detail = { syncCycles: s.ops, syncErrors: s.errors, firstError: s.firstError ?? a.firstError, appends, appendErrors: a.errors, idlers: idlers.length, notifications, elapsedMs: round(elapsed) };
      return [
        { key: 'mixed_sync_per_s', label: 'sync cycles/s (10 clients)', unit: '1/s', better: 'higher', value: round(s.opsPerSec), detail },
        { key: 'mixed_sync_p99', label: 'sync cycle p99', unit: 'ms', better: 'lower', value: round(s.latency.p99), detail: { latency: s.latency } },
        { key: 'mixed_append_per_s', label: 'appends/s (4 clients, 100 ms pause)', unit: '1/s', better: 'higher', value: round(a.opsPerSec), detail: { latency: appendSummary } },
        { key: 'mixed_append_p99', label: 'APPEND p99 under mixed load', unit: 'ms', better: 'lower', value: round(appendSummary.p99) },
      ];
    } finally {
      for (const c of idlers) c.close();
      for (const c of [...syncers, ...appenders]) await c.logout();
    }
  },
};
