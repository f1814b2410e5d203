// APPEND and FETCH through the Store interface on the embedded store (SQLite + files, fsync on) and
// on the PostgreSQL store (synchronous_commit as the server has it), side by side, as ratios.
// Usage: npm run build && node dist/bench/store-compare.js [--messages N] [--url postgres://...]
// Without --url: a throwaway database on the local server (socket as the current user), dropped after.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { analyzeMessage } from '../src/mime/analyze.js';
import { openPostgresStore } from '../src/store/postgres/index.js';
import { openSqliteStore } from '../src/store/sqlite/index.js';
import type { Store } from '../src/store/types.js';

const args = process.argv.slice(2);
const arg = (name: string): string | undefined => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const N = Number(arg('--messages') ?? 2000);
const CONCURRENCY = 10;

function message(i: number): Buffer {
  const body = `Line ${i} of a benchmark message, long enough to look like mail.\r\n`.repeat(60); // ~4 KB
  return Buffer.from(`From: a@example.org\r\nTo: b@example.org\r\nSubject: bench ${i}\r\nMessage-ID: <b${i}.${randomBytes(4).toString('hex')}@bench>\r\nDate: Mon, 1 Jan 2024 10:00:00 +0000\r\n\r\n${body}`);
}

interface Figures {
  appendSeq: number;
  appendPar: number;
  fetchMeta: number;
  fetchSummaries: number;
  fetchBodies: number;
}

async function run(store: Store): Promise<Figures> {
  const account = await store.createAccount(`bench${randomBytes(3).toString('hex')}`, 'h');
  const box = await store.getMailbox(account.id, 'INBOX');
  if (!box) throw new Error('no INBOX');
  const rate = (count: number, ms: number): number => Math.round((count / ms) * 1000);
  let t = performance.now();
  const half = Math.floor(N / 2);
  for (let i = 0; i < half; i++) await store.appendMessage(box.id, { bytes: message(i), flags: [] });
  const appendSeq = rate(half, performance.now() - t);
  t = performance.now();
  let next = half;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < N) {
        const i = next++;
        await store.appendMessage(box.id, { bytes: message(i), flags: [] });
      }
    }),
  );
  const appendPar = rate(N - half, performance.now() - t);
  // FETCH 1:* (FLAGS UID), ENVELOPE/BODYSTRUCTURE (summaries, in pages of 100), BODY[] (bytes).
  t = performance.now();
  const metas = await store.listMessages(box.id);
  const fetchMeta = rate(metas.length, performance.now() - t);
  t = performance.now();
  for (let i = 0; i < metas.length; i += 100) await store.getSummaries(box.id, metas.slice(i, i + 100).map((m) => m.uid));
  const fetchSummaries = rate(metas.length, performance.now() - t);
  t = performance.now();
  for (const m of metas) await store.readMessage(m.blobId);
  const fetchBodies = rate(metas.length, performance.now() - t);
  return { appendSeq, appendPar, fetchMeta, fetchSummaries, fetchBodies };
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'postkeep-bench-'));
  let url = arg('--url');
  let drop: (() => Promise<void>) | null = null;
  if (!url) {
    const admin = `postgresql://${encodeURIComponent(userInfo().username)}@/postgres?host=/var/run/postgresql`;
    const name = `postkeep_bench_${randomBytes(4).toString('hex')}`;
    const c = new pg.Client({ connectionString: admin });
    await c.connect();
    await c.query(`CREATE DATABASE ${name}`);
    await c.end();
    url = admin.replace('/postgres?', `/${name}?`);
    drop = async () => {
      const d = new pg.Client({ connectionString: admin });
      await d.connect();
      await d.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await d.end();
    };
  }
  try {
    const sqlite = await openSqliteStore({ dataDir: dir, analyze: analyzeMessage, fsync: true });
    const s = await run(sqlite);
    await sqlite.close();
    const postgres = await openPostgresStore({ url, analyze: analyzeMessage, poolSize: CONCURRENCY });
    const p = await run(postgres);
    await postgres.close();
    const rows: Array<[string, keyof Figures]> = [
      ['APPEND, one at a time (msg/s)', 'appendSeq'],
      [`APPEND, ${CONCURRENCY} concurrent (msg/s)`, 'appendPar'],
      ['FETCH FLAGS/UID of all (msg/s)', 'fetchMeta'],
      ['FETCH ENVELOPE/BODYSTRUCTURE (msg/s)', 'fetchSummaries'],
      ['FETCH BODY[] one by one (msg/s)', 'fetchBodies'],
    ];
    console.log(`${N} messages of ~4 KB; store API, no network protocol\n`);
    console.log('| operation | sqlite | postgres | postgres / sqlite |\n| --- | ---: | ---: | ---: |');
    for (const [label, key] of rows) console.log(`| ${label} | ${s[key]} | ${p[key]} | ${(p[key] / s[key]).toFixed(2)} |`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await drop?.();
  }
}

await main();
