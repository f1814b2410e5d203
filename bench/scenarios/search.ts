// Scenario 5: SEARCH over the big mailbox: FROM one of 97 senders (~1%), SINCE a date that the
// last 10% of messages pass, BODY a word present in 1% of messages, a UID range at the top (a
// client looking for new mail) and UNSEEN (all of them). Each runs twice and the second is compared,
// but the UID range, timed as a short command (short-command.ts); the hit counts are kept so that both servers can
// be seen to agree.
import { internalDate, RARE_WORD } from '../load/messages.js';
import { round } from '../load/stats.js';
import { BIG_USER, openBig } from './big-mailbox.js';
import { timeShortCommand } from './short-command.js';
import type { Figure, Scenario } from './types.js';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

function imapDate(ms: number): string {
  const d = new Date(ms);
  return `${d.getUTCDate()}-${MONTHS[d.getUTCMonth()] ?? 'Jan'}-${d.getUTCFullYear()}`;
}

export const search: Scenario = {
  name: 'search',
  title: '5. SEARCH over the 100,000 messages',
  accounts: (s) => [{ login: BIG_USER, password: 'bench-secret', cheapHash: true, inbox: s.bigCount }],
  run: async ({ target, settings }) => {
    const { client } = await openBig(target.imap);
    let hits = 0;
    client.onUntagged = (line) => {
      if (/^\* (SEARCH|ESEARCH)/i.test(line)) hits = line.trim().split(' ').length - 2;
    };
    const since = imapDate(internalDate(Math.floor(settings.bigCount * 0.9)) + 24 * 3600 * 1000);
    const queries: Array<[string, string, string]> = [
      ['search_from', 'SEARCH FROM (1% of messages)', 'UID SEARCH FROM "user7@example.com"'],
      ['search_since', 'SEARCH SINCE (last ~10%)', `UID SEARCH SINCE ${since}`],
      ['search_body', 'SEARCH BODY word (1% of messages)', `UID SEARCH BODY "${RARE_WORD}"`],
      // What a syncing client asks for new mail: a UID range at the top, with a flag key.
      ['search_uid_range', 'UID SEARCH UID (last 100):* UNDELETED', `UID SEARCH UID ${Math.max(1, settings.bigCount - 99)}:* UNDELETED`],
      // A flag key over the whole mailbox, answered from metadata (every seeded message is unseen).
      ['search_unseen', 'UID SEARCH UNSEEN (every message)', 'UID SEARCH UNSEEN'],
    ];
    const figures: Figure[] = [];
    try {
      for (const [key, label, command] of queries) {
        if (key === 'search_uid_range') {
          // Sub-millisecond (two single samples swung 0.13-0.69 ms): short-command.ts.
          figures.push(...(await timeShortCommand(client, target.pids(), { key, label, command, detail: () => ({ hits }) })));
          continue;
        }
        const first = await client.command(command);
        const firstHits = hits;
        const second = await client.command(command);
        figures.push({ key, label, unit: 'ms', better: 'lower', value: round(second.ms), detail: { command, firstMs: round(first.ms), hits: firstHits, hitsSecond: hits } });
      }
    } finally {
      await client.logout();
    }
    return figures;
  },
};
