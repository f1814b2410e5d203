// Runs the chosen scenarios against each server in turn: fresh directory, same seed plan, start,
// scenarios one after the other, stop (always, even on failure), then the comparison. With --rounds
// N > 1 all servers run at once and take turns on each scenario (runRounds).
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { availableParallelism, cpus, release, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { dovecot } from './dovecot/target.js';
import { postkeepPg, type PgTargetOptions } from './postkeep/pg-target.js';
import { postkeep } from './postkeep/target.js';
import { dropAllBenchDatabases, serverDescription } from './postgres/database.js';
import { waitForDrain, waitForQuiet } from './load/drain.js';
import { pgRows } from './report-pg.js';
import { printResult, updateDoc, writeResults, type RunResult, type ScenarioResult } from './report.js';
import { combineRounds, roundOrder, type Outcome } from './rounds.js';
import type { BenchSettings, Figure, Scenario } from './scenarios/types.js';
import type { AccountPlan, RunningTarget, ServerKind, ServerName, StartOptions } from './target.js';

export interface SuiteOptions {
  readonly servers: readonly ServerName[];
  readonly scenarios: readonly Scenario[];
  readonly settings: BenchSettings;
  readonly resultsDir: string;
  /** docs/BENCHMARKS.md, or null to leave the docs alone (the smoke test). */
  readonly docPath: string | null;
  readonly cpuProfileDir?: string;
  /** Also run APPEND and LMTP against Dovecot with mail_fsync = always. */
  readonly dovecotFsyncAlways: boolean;
  readonly log: (line: string) => void;
  /** Print the comparison table on stdout (the CLI; not the smoke test). */
  readonly print?: boolean;
  /** postkeep-pg: which server, pool size, seeding batch (defaults: this machine, 10, 500). */
  readonly pg?: Partial<PgTargetOptions>;
  /** postkeep-pg only: settings that differ (a smaller big mailbox when seeding it is too slow). */
  readonly pgSettings?: Partial<BenchSettings>;
  /** Alternating rounds of every scenario, each figure the median of them (default 1: one pass per server). */
  readonly rounds?: number;
  /** With rounds and several servers: ms to wait between seeding the last server and the first
   *  scenario (default 0; the CLI waits SETTLE_MS unless --quick). */
  readonly settleMs?: number;
  /** With rounds: before each round, also wait for the machine's CPUs to go quiet (load/drain.ts
   *  waitForQuiet). For a bench that has the machine to itself (the CLI); a test run beside others
   *  never finds the CPUs quiet. Default false. */
  readonly waitForQuietCpus?: boolean;
}

const running = new Set<RunningTarget>();

/** For signal handlers: stop every server this process started. */
export async function stopAll(): Promise<void> {
  await Promise.all([...running].map((t) => t.stop().catch(() => {})));
  running.clear();
  await dropAllBenchDatabases();
}

function plan(scenarios: readonly Scenario[], settings: BenchSettings): AccountPlan[] {
  const byLogin = new Map<string, AccountPlan>();
  for (const s of scenarios) for (const a of s.accounts(settings)) if (!byLogin.has(a.login)) byLogin.set(a.login, a);
  return [...byLogin.values()];
}

function tryRun(cmd: string, args: string[]): string {
  try {
    return execFileSync(cmd, args, { encoding: 'utf8', timeout: 10_000, stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return 'unknown';
  }
}

async function machine(servers: readonly string[], pgUrl: string | undefined): Promise<Record<string, string>> {
  const dirty = tryRun('git', ['status', '--porcelain', '--', 'src']) !== '';
  return {
    date: new Date().toISOString(),
    cpus: `${availableParallelism()} x ${cpus()[0]?.model ?? 'unknown'}`,
    memory: `${(totalmem() / 2 ** 30).toFixed(1)} GiB`,
    kernel: release(),
    node: process.version,
    dovecot: servers.includes('dovecot') ? await dovecot.version() : 'not run',
    ...(servers.includes('postkeep-pg') ? { postgresql: await serverDescription(pgUrl).catch((e: unknown) => String(e)) } : {}),
    postkeep: `${tryRun('git', ['rev-parse', '--short', 'HEAD'])}${dirty ? ' + uncommitted changes in src/ (other work in progress)' : ''}`,
    load: 'machine shared with other jobs while running; compare ratios from one run, not absolute figures across runs',
  };
}

/** A server of the suite: its own directory, and once seeded and started, the running target. */
interface Session {
  readonly kind: ServerKind;
  readonly label: string;
  readonly dir: string;
  readonly settings: BenchSettings;
  target?: RunningTarget;
}

const messageOf = (err: unknown): string => (err instanceof Error ? err.message : String(err));

async function open(kind: ServerKind, label: string, settings: BenchSettings): Promise<Session> {
  return { kind, label, settings, dir: await mkdtemp(join(tmpdir(), `postkeep-bench-${kind.name}-`)) };
}

/** Seeds the accounts of every scenario given and starts the server (throws when either fails). */
async function seedAndStart(session: Session, scenarios: readonly Scenario[], suite: SuiteOptions, start: Partial<StartOptions>): Promise<RunningTarget> {
  const { kind, label, dir, settings } = session;
  const accounts = plan(scenarios, settings);
  suite.log(`${label}: seeding ${accounts.length} accounts, ${accounts.reduce((n, a) => n + a.inbox, 0)} messages`);
  const seconds = await kind.seed(dir, { accounts }, suite.log);
  suite.log(`${label}: seeded in ${seconds.toFixed(1)} s`);
  const needsIdle = scenarios.some((s) => s.name === 'idle');
  const startOptions: StartOptions = {
    maxConnections: (needsIdle ? settings.idleCount : 0) + settings.mixedIdle + 500,
    ...(suite.cpuProfileDir !== undefined && kind.name !== 'dovecot' ? { cpuProfileDir: suite.cpuProfileDir } : {}),
    ...start,
  };
  session.target = await kind.start(dir, startOptions);
  running.add(session.target);
  return session.target;
}

async function runOne(session: Session, target: RunningTarget, s: Scenario, log: (line: string) => void, round?: number): Promise<Outcome> {
  try {
    return await s.run({ target, settings: session.settings, log, ...(round !== undefined ? { round } : {}) });
  } catch (err) {
    log(`${session.label}: ${s.name} failed: ${messageOf(err)}`);
    return { error: messageOf(err) };
  }
}

/** Stops the server (if it started) and removes what seeding made. */
async function close(session: Session, log: (line: string) => void): Promise<void> {
  if (session.target) {
    await session.target.stop();
    running.delete(session.target);
  }
  await session.kind.cleanup?.(session.dir).catch((err: unknown) => log(`${session.label}: cleanup failed: ${messageOf(err)}`));
  await rm(session.dir, { recursive: true, force: true });
}

/** One server, every scenario once (--rounds 1, and the mail_fsync=always pass). */
async function runOn(kind: ServerKind, label: string, scenarios: readonly Scenario[], suite: SuiteOptions, start: Partial<StartOptions>, settings = suite.settings): Promise<Map<string, Outcome>> {
  const out = new Map<string, Outcome>();
  const session = await open(kind, label, settings);
  try {
    const target = await seedAndStart(session, scenarios, suite, start);
    for (const s of scenarios) {
      suite.log(`${label}: ${s.title}`);
      out.set(s.name, await runOne(session, target, s, suite.log));
    }
  } catch (err) {
    suite.log(`${label}: ${messageOf(err)}`);
    for (const s of scenarios) if (!out.has(s.name)) out.set(s.name, { error: messageOf(err) });
  } finally {
    await close(session, suite.log);
  }
  return out;
}

/** --rounds N > 1: every server seeded and started first; then each scenario N times on each server,
 *  the order alternating by round, so that round r of both ran back to back on the same machine. */
async function runRounds(kinds: readonly ServerKind[], settingsOf: (k: ServerKind) => BenchSettings, suite: SuiteOptions, rounds: number): Promise<Map<string, Map<string, Outcome>>> {
  const out = new Map<string, Map<string, Outcome>>();
  const sessions: Session[] = [];
  const failedStart = new Map<Session, string>();
  try {
    for (const kind of kinds) {
      const session = await open(kind, kind.name, settingsOf(kind));
      sessions.push(session);
      await seedAndStart(session, suite.scenarios, suite, {}).catch((err: unknown) => {
        suite.log(`${kind.name}: ${messageOf(err)}`);
        failedStart.set(session, messageOf(err));
      });
      out.set(kind.name, new Map());
    }
    // The servers were seeded one after the other. Where the kernel pages out file pages nobody
    // touched for a while (this machine's after 60 s, docs/BENCHMARKS.md part 7), the first one's
    // files would be cold while the last one's are still warm; waiting that long puts all in the
    // same state (cold there, warm where nothing pages out).
    const settle = suite.settleMs ?? 0;
    if (sessions.length > 1 && settle > 0) {
      suite.log(`all seeded: waiting ${Math.round(settle / 1000)} s so that every server's files have the same page-cache history`);
      await new Promise((resolve) => setTimeout(resolve, settle));
    }
    for (const s of suite.scenarios) {
      const results = new Map<Session, Outcome[]>(sessions.map((x) => [x, []]));
      for (let r = 1; r <= rounds; r++) {
        for (const session of roundOrder(sessions, r)) {
          const done = results.get(session) ?? [];
          // After a failed round the result is an error anyway (bench/rounds.ts): skip the rest.
          if (!session.target || done.some((x) => !Array.isArray(x))) continue;
          await drain(sessions, suite.log, suite.waitForQuietCpus ?? false);
          suite.log(`${session.label}: ${s.title}, round ${r} of ${rounds}`);
          done.push(await runOne(session, session.target, s, suite.log, r));
        }
      }
      for (const session of sessions) {
        const failed = failedStart.get(session);
        out.get(session.kind.name)?.set(s.name, failed !== undefined ? { error: failed } : combineRounds(results.get(session) ?? [], rounds));
      }
    }
  } finally {
    for (const session of sessions) await close(session, suite.log).catch((err: unknown) => suite.log(`${session.label}: stop failed: ${messageOf(err)}`));
  }
  return out;
}

/** The last round's connections (on any server) closed, and its work done, before the next round starts. */
async function drain(sessions: readonly Session[], log: (line: string) => void, quietCpus: boolean): Promise<void> {
  const ports = sessions.flatMap((x) => (x.target ? [x.target.imap.port, ...(x.target.lmtp ? [x.target.lmtp.port] : [])] : []));
  const left = await waitForDrain(ports, 120_000);
  if (left > 0) log(`still ${left} connections open after 120 s; going on`);
  if (quietCpus && !(await waitForQuiet())) log('the CPUs stayed busy for 60 s after the last round; going on');
}

export async function runSuite(options: SuiteOptions): Promise<RunResult> {
  const date = new Date().toISOString();
  const perServer = new Map<string, Map<string, Figure[] | { error: string }>>();
  const pg: PgTargetOptions = { poolSize: 10, seedBatch: 500, ...options.pg };
  const pgSettings: BenchSettings = { ...options.settings, ...options.pgSettings };
  const kinds: Record<ServerName, ServerKind> = { postkeep, 'postkeep-pg': postkeepPg(pg), dovecot };
  const rounds = options.rounds ?? 1;
  if (rounds > 1) {
    const byServer = await runRounds(options.servers.map((n) => kinds[n]), (k) => (k.name === 'postkeep-pg' ? pgSettings : options.settings), options, rounds);
    for (const [name, results] of byServer) perServer.set(name, results);
  } else {
    for (const name of options.servers) {
      perServer.set(name, await runOn(kinds[name], name, options.scenarios, options, {}, name === 'postkeep-pg' ? pgSettings : options.settings));
    }
  }
  // Dovecot with mail_fsync=always stays one pass of its own after the rounds: a reference for what
  // full fsync costs it, not one of the figures near parity that the rounds are there to decide.
  const fsyncScenarios = options.scenarios.filter((s) => s.name === 'append' || s.name === 'lmtp');
  if (options.dovecotFsyncAlways && options.servers.includes('dovecot') && fsyncScenarios.length > 0) {
    perServer.set('dovecot-fsync-always', await runOn(dovecot, 'dovecot (mail_fsync=always)', fsyncScenarios, options, { fsync: 'always' }));
  }
  const scenarios: ScenarioResult[] = options.scenarios.map((s) => {
    const servers: Record<string, Figure[] | { error: string }> = {};
    for (const [server, results] of perServer) {
      const r = results.get(s.name);
      if (r) servers[server] = r;
    }
    return { name: s.name, title: s.title, date, servers, ...(rounds > 1 ? { rounds } : {}) };
  });
  if (options.print) for (const s of scenarios) printResult(s);
  const withPg = options.servers.includes('postkeep-pg');
  const run: RunResult = {
    date,
    machine: await machine(options.servers, pg.url),
    settings: {
      ...options.settings,
      rounds,
      servers: options.servers,
      dovecotFsync: 'optimized (default)',
      postkeepFsync: 'every APPEND/delivery: blob file + directory fsync, SQLite WAL synchronous=FULL',
      ...(withPg
        ? {
            postkeepPg: {
              poolSize: pg.poolSize,
              seedBatch: pg.seedBatch,
              settings: pgSettings,
              durability: "the server's own (commit waits for the WAL flush when synchronous_commit=on)",
              memory: 'the Postkeep process only; the PostgreSQL server processes are not counted',
            },
          }
        : {}),
    },
    scenarios,
    ...(withPg ? { postgres: scenarios.flatMap((s) => pgRows(s)) } : {}),
  };
  const { file, merged, pgMerged } = await writeResults(run, options.resultsDir);
  options.log(`results: ${file}`);
  if (options.docPath) {
    await updateDoc(options.docPath, merged, pgMerged);
    options.log(`updated ${options.docPath}`);
  }
  return run;
}
