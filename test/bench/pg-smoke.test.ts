// A smoke run of the postkeep-pg benchmark target (Postkeep on the PostgreSQL store): a throwaway
// database is created, seeded through the store, served, compared with the embedded store (pg/sqlite
// rows in the JSON) and dropped afterwards. Skips loudly when no PostgreSQL is reachable.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import pg from 'pg';
import { findServer } from '../../bench/postgres/database.js';
import type { RunResult } from '../../bench/report.js';
import { bigMailbox } from '../../bench/scenarios/big-mailbox.js';
import { runSuite } from '../../bench/suite.js';

async function benchDatabases(url: string): Promise<string[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<{ datname: string }>("SELECT datname FROM pg_database WHERE datname LIKE 'postkeep_bench_%'")).rows.map((r) => r.datname);
  } finally {
    await client.end();
  }
}

test('bench smoke: postkeep-pg next to postkeep, database dropped afterwards', { timeout: 60_000 }, async (t) => {
  let admin: string;
  try {
    admin = await findServer();
  } catch (err) {
    const reason = `no PostgreSQL reachable, postkeep-pg bench smoke SKIPPED: ${err instanceof Error ? err.message : String(err)}`;
    process.stderr.write(`\n*** ${reason}\n\n`);
    t.skip(reason);
    return;
  }
  const lines: string[] = [];
  const resultsDir = await mkdtemp(join(tmpdir(), 'postkeep-bench-pg-smoke-'));
  try {
    const run = await runSuite({
      servers: ['postkeep', 'postkeep-pg'],
      scenarios: [bigMailbox],
      settings: { quick: true, bigCount: 100, idleCount: 0, churnSeconds: 1, mixedIdle: 0, mixedSeconds: 1 },
      pgSettings: { bigCount: 60 },
      pg: { poolSize: 2, seedBatch: 25 },
      resultsDir,
      docPath: null,
      dovecotFsyncAlways: false,
      log: (line) => lines.push(line),
    });
    const figures = run.scenarios[0]?.servers['postkeep-pg'];
    assert.ok(Array.isArray(figures), JSON.stringify(figures));
    assert.equal(figures.find((f) => f.key === 'fetch_flags')?.detail?.['untagged'], 60, 'the pg variant got its own, smaller mailbox');
    const rows = run.postgres ?? [];
    const flags = rows.find((r) => r.key === 'fetch_flags');
    assert.ok(flags && flags.sqlite !== null && flags.pg !== null && flags.ratio !== null, JSON.stringify(flags));
    assert.match(flags.note, /pg: "UID FETCH 1:60/);
    const latest = JSON.parse(readFileSync(join(resultsDir, 'latest-postgres.json'), 'utf8')) as RunResult;
    assert.equal(latest.postgres?.length, rows.length);
    // Only this run's database (another bench may be running on the same server).
    const ours = lines.map((l) => /database (postkeep_bench_[0-9a-f]+)/.exec(l)?.[1]).filter((d): d is string => d !== undefined);
    assert.equal(ours.length, 1, lines.join('\n'));
    assert.ok(!(await benchDatabases(admin)).includes(ours[0] ?? ''), 'the throwaway database was dropped');
  } finally {
    await rm(resultsDir, { recursive: true, force: true });
  }
});
