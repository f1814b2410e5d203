// Runs the chosen scenarios against each server in turn: fresh directory, same seed plan, start,
// scenarios one after the other, stop (always, even on failure), then the comparison.
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { availableParallelism, cpus, release, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { dovecot } from './dovecot/target.js';
import { postkeepPg, type PgTargetOptions } from './postkeep/pg-target.js';
import { postkeep } from './postkeep/target.js';
import { dropAllBenchDatabases, serverDescription } from './postgres/database.js';
import { pgRows } from './report-pg.js';
import { printResult, updateDoc, writeResults, type RunResult, type ScenarioResult } from './report.js';
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

async function runOn(kind: ServerKind, label: string, scenarios: readonly Scenario[], suite: SuiteOptions, start: Partial<StartOptions>, settings = suite.settings): Promise<Map<string, Figure[] | { error: string }>> {
  const options = { ...suite, settings };
  const out = new Map<string, Figure[] | { error: string }>();
  const dir = await mkdtemp(join(tmpdir(), `postkeep-bench-${kind.name}-`));
  let target: RunningTarget | undefined;
  try {
    const accounts = plan(scenarios, options.settings);
    options.log(`${label}: seeding ${accounts.length} accounts, ${accounts.reduce((n, a) => n + a.inbox, 0)} messages`);
    const seconds = await kind.seed(dir, { accounts }, options.log);
    options.log(`${label}: seeded in ${seconds.toFixed(1)} s`);
    const needsIdle = scenarios.some((s) => s.name === 'idle');
    const startOptions: StartOptions = {
      maxConnections: (needsIdle ? options.settings.idleCount : 0) + options.settings.mixedIdle + 500,
      ...(options.cpuProfileDir !== undefined && kind.name !== 'dovecot' ? { cpuProfileDir: options.cpuProfileDir } : {}),
      ...start,
    };
    target = await kind.start(dir, startOptions);
    running.add(target);
    for (const s of scenarios) {
      options.log(`${label}: ${s.title}`);
      try {
        out.set(s.name, await s.run({ target, settings: options.settings, log: options.log }));
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        options.log(`${label}: ${s.name} failed: ${message}`);
        out.set(s.name, { error: message });
      }
    }
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    options.log(`${label}: ${message}`);
    for (const s of scenarios) if (!out.has(s.name)) out.set(s.name, { error: message });
  } finally {
    if (target) {
      await target.stop();
      running.delete(target);
    }
    await kind.cleanup?.(dir).catch((err: unknown) => options.log(`${label}: cleanup failed: ${err instanceof Error ? err.message : String(err)}`));
    await rm(dir, { recursive: true, force: true });
  }
  return out;
}

export async function runSuite(options: SuiteOptions): Promise<RunResult> {
  const date = new Date().toISOString();
  const perServer = new Map<string, Map<string, Figure[] | { error: string }>>();
  const pg: PgTargetOptions = { poolSize: 10, seedBatch: 500, ...options.pg };
  const pgSettings: BenchSettings = { ...options.settings, ...options.pgSettings };
  const kinds: Record<ServerName, ServerKind> = { postkeep, 'postkeep-pg': postkeepPg(pg), dovecot };
  for (const name of options.servers) {
    perServer.set(name, await runOn(kinds[name], name, options.scenarios, options, {}, name === 'postkeep-pg' ? pgSettings : options.settings));
  }
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
    return { name: s.name, title: s.title, date, servers };
  });
  if (options.print) for (const s of scenarios) printResult(s);
  const withPg = options.servers.includes('postkeep-pg');
  const run: RunResult = {
    date,
    machine: await machine(options.servers, pg.url),
    settings: {
      ...options.settings,
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
