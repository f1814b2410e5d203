// Import speed: generates N 4 KB messages (default 20,000) in a Maildir, then imports them with
// runImport into a fresh store with fsync on (as `postkeep import` runs). Not part of npm test.
// Run: npm run build && node dist/bench/import-speed.js [N] [--no-fsync]
import { mkdirSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatSummary, runImport } from '../src/import/importer.js';
import { maildirSource } from '../src/import/maildir-source.js';
import { Progress } from '../src/import/progress.js';
import { analyzeMessage } from '../src/mime/analyze.js';
import { openSqliteStore } from '../src/store/sqlite/index.js';

const count = Number(process.argv[2] ?? 20_000);
const fsync = !process.argv.includes('--no-fsync');

function message(i: number): string {
  const head =
    `From: Sender ${i % 97} <user${i % 97}@example.com>\r\nTo: alice@example.org\r\n` +
    `Subject: Import benchmark ${i}\r\nDate: Mon, 1 Jan 2024 10:00:00 +0000\r\nMessage-ID: <import-${i}@example.com>\r\n\r\n`;
  const line = `Line of message ${i}, padded to a realistic length of text......\r\n`;
  return head + line.repeat(Math.ceil((4096 - head.length) / line.length));
}

const dir = await mkdtemp(join(tmpdir(), 'postkeep-import-bench-'));
try {
  const maildir = join(dir, 'Maildir');
  for (const d of ['cur', 'new', 'tmp']) mkdirSync(join(maildir, d), { recursive: true });
  for (let i = 0; i < count; i++) writeFileSync(join(maildir, 'cur', `${1_700_000_000 + i}.M${i}P1.bench:2,S`), message(i));
  const store = await openSqliteStore({ dataDir: join(dir, 'data'), analyze: analyzeMessage, fsync });
  const account = await store.createAccount('alice', 'x');
  const summary = await runImport(maildirSource(maildir, 50 * 1024 * 1024), {
    store,
    accountId: account.id,
    progress: new Progress({ out: process.stderr }),
    maxMessageBytes: 50 * 1024 * 1024,
  });
  await store.close();
  console.log(`${count} messages of ~4 KB from a Maildir, fsync ${fsync ? 'on' : 'off'}: ${formatSummary(summary)}`);
} finally {
  await rm(dir, { recursive: true, force: true });
}
