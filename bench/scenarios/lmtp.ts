// Scenario 3: LMTP delivery of 4 KB messages, 10 parallel senders (one connection each, reused for
// every message as an MTA does), one recipient per message. Distinct messages in every round.
import { LmtpClient } from '../load/lmtp-client.js';
import { sizedMessage } from '../load/messages.js';
import { runLoop } from '../load/run-loop.js';
import { round } from '../load/stats.js';
import { userName, users, type Scenario } from './types.js';

const SENDERS = 10;
const MAX_OPS = 50_000;

export const lmtp: Scenario = {
  name: 'lmtp',
  title: '3. LMTP delivery of 4 KB, 10 senders',
  accounts: () => users('user', 20, 200, false),
  run: async ({ target, settings, round: nth = 1 }) => {
    const endpoint = target.lmtp;
    if (endpoint === null) {
      return [{ key: 'lmtp_msgs', label: 'LMTP 4 KB msg/s', unit: '1/s', better: 'higher', value: null, note: 'no LMTP listener in this build' }];
    }
    const senders: LmtpClient[] = [];
    try {
      for (let i = 0; i < SENDERS; i++) senders.push(await LmtpClient.connect(endpoint));
      const r = await runLoop({ workers: SENDERS, durationMs: settings.quick ? 3000 : 10_000, maxOps: MAX_OPS }, async (w, i) => {
        const to = `${userName('user', w)}@example.org`;
        const s = senders[w];
        if (!s) throw new Error('no sender');
        await s.deliver('sender@example.com', [to], sizedMessage(2_000_000_000 + (nth - 1) * MAX_OPS + i, 4096, to));
      });
      const detail = { ops: r.ops, errors: r.errors, firstError: r.firstError, elapsedMs: round(r.elapsedMs), latency: r.latency };
      return [
        { key: 'lmtp_msgs', label: 'LMTP 4 KB msg/s', unit: '1/s', better: 'higher', value: round(r.opsPerSec), detail },
        { key: 'lmtp_p99', label: 'LMTP 4 KB p99', unit: 'ms', better: 'lower', value: round(r.latency.p99) },
      ];
    } finally {
      for (const s of senders) await s.quit();
    }
  },
};
