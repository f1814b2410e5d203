// Scenario 1: LOGIN + SELECT INBOX + LOGOUT, each on a new connection, 20 clients (one account
// each, 200 messages in INBOX, each server's default-strength password hash).
import { ImapClient } from '../load/imap-client.js';
import { runLoop } from '../load/run-loop.js';
import { round } from '../load/stats.js';
import { PASSWORD, userName, users, type Scenario } from './types.js';

const CLIENTS = 20;

export const login: Scenario = {
  name: 'login',
  title: '1. LOGIN + SELECT + LOGOUT, 20 clients',
  accounts: () => users('user', 20, 200, false),
  run: async ({ target, settings }) => {
    const r = await runLoop({ workers: CLIENTS, durationMs: settings.quick ? 3000 : 15_000, maxOps: 20_000 }, async (w) => {
      const c = await ImapClient.connect(target.imap);
      try {
        await c.login(userName('user', w % 20), PASSWORD);
        await c.command('SELECT INBOX');
        await c.logout();
      } finally {
        c.close();
      }
    });
    const detail = { ops: r.ops, errors: r.errors, firstError: r.firstError, elapsedMs: round(r.elapsedMs), latency: r.latency };
    return [
      { key: 'sessions_per_s', label: 'sessions/s', unit: '1/s', better: 'higher', value: round(r.opsPerSec), detail },
      { key: 'session_p50', label: 'session p50', unit: 'ms', better: 'lower', value: round(r.latency.p50) },
      { key: 'session_p99', label: 'session p99', unit: 'ms', better: 'lower', value: round(r.latency.p99) },
    ];
  },
};
