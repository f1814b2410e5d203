// npm run bench [-- options]; `npm run bench -- --help` lists them (USAGE below).
// Seeds the servers with the same mail, runs each scenario against each, prints Postkeep's figure,
// Dovecot's and the ratio (and, with postkeep-pg, the PostgreSQL store's figure and pg/sqlite),
// writes bench/results/<date>.json and latest.json, updates docs/BENCHMARKS.md.
// --rounds N (default 1): start all servers at once and run each scenario N times on each, the order
// of the servers alternating by round; every figure is then the median of its N values (the first
// measurement of a fresh server, such as the cold SELECT, round 1's), with Postkeep's advantage in
// each round in the note. For figures near parity on a machine whose load swings between minutes.
// Unless --quick, the rounds start 70 s after the last server was seeded (see runRounds, suite.ts).
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { scenarios } from './scenarios/index.js';
import { runSuite, stopAll } from './suite.js';
import type { ServerName } from './target.js';

const USAGE = `usage: npm run bench [-- options]
  --scenario NAME[,NAME]   only these scenarios (${scenarios.map((s) => s.name).join(', ')})
  --servers LIST           postkeep, postkeep-pg, dovecot (default postkeep,dovecot)
  --rounds N               run each scenario N times per server, alternating (default 1)
  --quick                  small sizes and no settling wait (the smoke run)
  --big N --idle N --churn-seconds S   scenario sizes (default 100000, 10000, 30)
  --profile                write CPU profiles of Postkeep to bench/results/profiles
  --no-fsync-always        skip the extra Dovecot run with mail_fsync=always
  --no-docs                leave docs/BENCHMARKS.md alone
  --results-dir DIR        where the JSON results go (default bench/results)
  --pg-url URL --pg-big N --pg-pool N   the PostgreSQL store's server, mailbox size and pool`;

function parseOptions(): ReturnType<typeof parseOptionsStrict> {
  try {
    return parseOptionsStrict();
  } catch (err) {
    console.error(`${err instanceof Error ? err.message : String(err)}\n${USAGE}`);
    process.exit(2);
  }
}

function parseOptionsStrict() {
  return parseArgs({
    options: {
      help: { type: 'boolean', default: false },
      scenario: { type: 'string' },
      quick: { type: 'boolean', default: false },
      servers: { type: 'string', default: 'postkeep,dovecot' },
      big: { type: 'string' },
      idle: { type: 'string' },
      'churn-seconds': { type: 'string' },
      profile: { type: 'boolean', default: false },
      'no-fsync-always': { type: 'boolean', default: false },
      'no-docs': { type: 'boolean', default: false },
      'results-dir': { type: 'string' },
      'pg-url': { type: 'string' },
      'pg-big': { type: 'string' },
      'pg-pool': { type: 'string' },
      rounds: { type: 'string', default: '1' },
    },
  });
}

/** A whole-number option of at least `min`, or its default when absent; anything else ends the run. */
function wholeNumber(name: string, text: string | undefined, fallback: number, min = 1): number {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (Number.isInteger(n) && n >= min) return n;
  console.error(`--${name} takes a whole number of at least ${min}, not "${text}"`);
  process.exit(2);
}

const { values } = parseOptions();
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
const quick = values.quick ?? false;
const settings = {
  quick,
  bigCount: wholeNumber('big', values.big, quick ? 10_000 : 100_000),
  idleCount: wholeNumber('idle', values.idle, quick ? 500 : 10_000),
  churnSeconds: wholeNumber('churn-seconds', values['churn-seconds'], quick ? 5 : 30),
  mixedIdle: quick ? 50 : 500,
  mixedSeconds: quick ? 5 : 20,
};
const rounds = wholeNumber('rounds', values.rounds, 1);
const wanted = values.scenario?.split(',').map((s) => s.trim()) ?? null;
const chosen = wanted === null ? scenarios : scenarios.filter((s) => wanted.includes(s.name));
if (chosen.length === 0) {
  console.error(`no such scenario; choose from: ${scenarios.map((s) => s.name).join(', ')}`);
  process.exit(2);
}

// Thousands of sockets: the load generator and the servers it starts inherit this process's limit
// (each end of a connection is in a different process, so each needs about one descriptor per client).
function openFileLimit(): number {
  const m = /^Max open files\s+(\d+|unlimited)/m.exec(readFileSync('/proc/self/limits', 'utf8'));
  return m?.[1] === 'unlimited' ? Infinity : Number(m?.[1] ?? 1024);
}
const needed = settings.idleCount + settings.mixedIdle + 2048;
if (openFileLimit() < needed && !process.env['POSTKEEP_BENCH_REEXEC']) {
  const limit = Math.max(65536, needed);
  console.error(`raising the open file limit to ${limit} (ulimit -n) and starting again`);
  // Without CAP_SYS_RESOURCE the hard limit caps it: take the hard limit then.
  const r = spawnSync('sh', ['-c', `ulimit -n ${limit} 2>/dev/null || ulimit -n "$(ulimit -Hn)"; exec "$0" "$@"`, process.execPath, ...process.execArgv, ...process.argv.slice(1)], {
    stdio: 'inherit',
    env: { ...process.env, POSTKEEP_BENCH_REEXEC: '1' },
  });
  process.exit(r.status ?? 1);
}

const onSignal = (): void => {
  void stopAll().finally(() => process.exit(130));
};
process.on('SIGINT', onSignal);
process.on('SIGTERM', onSignal);

const root = resolve(process.cwd());
const known: readonly ServerName[] = ['postkeep', 'postkeep-pg', 'dovecot'];
const servers = (values.servers ?? '').split(',').map((s) => s.trim()).filter((s): s is ServerName => (known as readonly string[]).includes(s));
if (servers.length === 0) {
  console.error(`no such server; choose from: ${known.join(', ')}`);
  process.exit(2);
}
try {
  await runSuite({
    servers,
    scenarios: chosen,
    settings,
    resultsDir: resolve(root, values['results-dir'] ?? 'bench/results'),
    docPath: values['no-docs'] ? null : resolve(root, 'docs/BENCHMARKS.md'),
    ...(values.profile ? { cpuProfileDir: resolve(root, 'bench/results/profiles') } : {}),
    dovecotFsyncAlways: !values['no-fsync-always'],
    pg: {
      ...(values['pg-url'] !== undefined ? { url: values['pg-url'] } : {}),
      ...(values['pg-pool'] !== undefined ? { poolSize: wholeNumber('pg-pool', values['pg-pool'], 0) } : {}),
    },
    pgSettings: values['pg-big'] !== undefined ? { bigCount: wholeNumber('pg-big', values['pg-big'], 0) } : {},
    rounds,
    // With rounds, all servers are seeded before the first scenario: see runRounds in suite.ts.
    settleMs: quick ? 0 : 70_000,
    waitForQuietCpus: true,
    log: (line) => console.error(line),
    print: true,
  });
} finally {
  await stopAll();
}
