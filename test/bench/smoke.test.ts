// A smoke run of the benchmark suite against Postkeep only (no Dovecot needed): a 200-message
// mailbox and 20 idle connections, proving that the load generator (literals read by byte count,
// pipelined commands, IDLE), the server process wrapper and the result writer work.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { RunResult } from '../../bench/report.js';
import { rows } from '../../bench/report.js';
import { bigMailbox } from '../../bench/scenarios/big-mailbox.js';
import { idle } from '../../bench/scenarios/idle.js';
import type { Figure } from '../../bench/scenarios/types.js';
import { runSuite } from '../../bench/suite.js';

/** big-mailbox (200 messages) and idle (20 connections) against Postkeep alone, docs left alone. */
function smokeRun(resultsDir: string, rounds: number): Promise<RunResult> {
  return runSuite({
    servers: ['postkeep'],
    scenarios: [bigMailbox, idle],
    settings: { quick: true, bigCount: 200, idleCount: 20, churnSeconds: 1, mixedIdle: 0, mixedSeconds: 1 },
    resultsDir,
    docPath: null,
    dovecotFsyncAlways: false,
    log: () => {},
    rounds,
  });
}

test('bench smoke: big-mailbox and idle scenarios against Postkeep, results written', { timeout: 30_000 }, async () => {
  const resultsDir = await mkdtemp(join(tmpdir(), 'postkeep-bench-smoke-'));
  try {
    const run = await smokeRun(resultsDir, 1);
    const figures = (name: string): Figure[] => {
      const f = run.scenarios.find((s) => s.name === name)?.servers['postkeep'];
      assert.ok(Array.isArray(f), `${name}: ${JSON.stringify(f)}`);
      return f;
    };
    const value = (name: string, key: string): number | null => figures(name).find((f) => f.key === key)?.value ?? null;
    assert.ok((value('big-mailbox', 'fetch_body_mb') ?? 0) > 0, 'BODY[] bytes were read by literal length');
    assert.equal(figures('big-mailbox').find((f) => f.key === 'fetch_flags')?.detail?.['untagged'], 200);
    assert.equal(value('idle', 'idle_connections'), 20);
    assert.ok((value('idle', 'idle_notify_p99') ?? NaN) >= 0, 'every IDLE client saw the new message');
    const latest = JSON.parse(readFileSync(join(resultsDir, 'latest.json'), 'utf8')) as RunResult;
    assert.equal(latest.scenarios.length, 2);
    assert.ok(existsSync(resultsDir));
    // No Dovecot figures: the ratio column is empty rather than invented.
    assert.ok(rows(latest.scenarios[0] as RunResult['scenarios'][number]).every((r) => r.ratio === null));
  } finally {
    await rm(resultsDir, { recursive: true, force: true });
  }
});

test('bench smoke: --rounds 2 on Postkeep alone, figures combined with every round kept', { timeout: 60_000 }, async () => {
  const resultsDir = await mkdtemp(join(tmpdir(), 'postkeep-bench-smoke-'));
  try {
    const run = await smokeRun(resultsDir, 2);
    assert.equal(run.settings['rounds'], 2);
    const big = run.scenarios.find((s) => s.name === 'big-mailbox');
    assert.equal(big?.rounds, 2);
    const f = big?.servers['postkeep'];
    assert.ok(Array.isArray(f), JSON.stringify(f));
    assert.equal((f.find((x) => x.key === 'fetch_body_mb')?.detail?.['rounds'] as unknown[]).length, 2);
    assert.match(f.find((x) => x.key === 'select_cold')?.note ?? '', /first round only/);
    // idle runs twice on one server: the first round's thousands of sockets must not get in the way.
    const idleFigures = run.scenarios.find((s) => s.name === 'idle')?.servers['postkeep'];
    assert.ok(Array.isArray(idleFigures));
    assert.deepEqual(idleFigures.find((x) => x.key === 'idle_connections')?.detail?.['rounds'], [20, 20]);
  } finally {
    await rm(resultsDir, { recursive: true, force: true });
  }
});
