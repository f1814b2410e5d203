// Postkeep as a benchmark target: seeded through the store in-process without fsync (seeding is not
// what is measured), then served from the same data dir by bench/postkeep/serve.ts in a child process.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, scryptSync } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { hashPassword } from '../../src/auth/password.js';
import { analyzeMessage } from '../../src/mime/analyze.js';
import { openSqliteStore } from '../../src/store/sqlite/index.js';
import { flagsOf, internalDate, seededMessage } from '../load/messages.js';
import type { RunningTarget, SeedPlan, ServerKind, StartOptions } from '../target.js';

const SERVE = fileURLToPath(new URL('./serve.js', import.meta.url));

/** The store's own hash format (src/auth/password.ts) with N=2^10 instead of 2^15: verifyPassword
 *  reads the cost from the stored string, so logins of thousands of idle clients stay cheap. */
function cheapHash(password: string): string {
  const salt = randomBytes(16);
  const key = scryptSync(password.normalize('NFC'), salt, 32, { N: 1 << 10, r: 8, p: 1 });
  return ['scrypt', 1 << 10, 8, 1, salt.toString('base64'), key.toString('base64')].join('$');
}

async function seed(dir: string, plan: SeedPlan, log: (line: string) => void): Promise<number> {
  const t0 = performance.now();
  const store = await openSqliteStore({ dataDir: join(dir, 'data'), analyze: analyzeMessage, fsync: false });
  try {
    for (const a of plan.accounts) {
      const account = await store.createAccount(a.login, a.cheapHash ? cheapHash(a.password) : await hashPassword(a.password));
      const inbox = await store.getMailbox(account.id, 'INBOX');
      if (!inbox) throw new Error('no INBOX');
      for (let i = 1; i <= a.inbox; i++) {
        await store.appendMessage(inbox.id, { bytes: seededMessage(i), flags: flagsOf(i), internalDate: internalDate(i) });
        if (i % 20_000 === 0) log(`  postkeep: ${a.login} ${i}/${a.inbox}`);
      }
    }
  } finally {
    await store.close();
  }
  return (performance.now() - t0) / 1000;
}

function waitReady(child: ChildProcess, timeoutMs: number): Promise<{ imap: number; lmtp: number | null }> {
  return new Promise((resolve, reject) => {
    let text = '';
    const timer = setTimeout(() => reject(new Error('postkeep did not start within the time bound')), timeoutMs);
    child.stdout?.setEncoding('utf8');
    child.stdout?.on('data', (chunk: string) => {
      text += chunk;
      const m = /POSTKEEP-BENCH-READY (\{.*\})/.exec(text);
      if (m?.[1]) {
        clearTimeout(timer);
        resolve(JSON.parse(m[1]) as { imap: number; lmtp: number | null });
        text = '';
      } else if (text.length > 65536) text = text.slice(-4096);
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`postkeep exited with ${code} before it was ready`));
    });
  });
}

async function start(dir: string, options: StartOptions): Promise<RunningTarget> {
  const config = {
    data_dir: join(dir, 'data'),
    // Thousands of sessions from one address and one user (idle scenario): no connection limits.
    imap: { listen: ['127.0.0.1:0'], listen_tls: [], plaintext_auth: 'always', limits: { max_connections_per_ip: 0, max_connections_per_user: 0 } },
    pop3: { listen: [], listen_tls: [] },
    lmtp: { listen: ['127.0.0.1:0'] },
    log: { level: 'error' },
  };
  const configPath = join(dir, 'config.json');
  await writeFile(configPath, JSON.stringify(config));
  const args = options.cpuProfileDir ? ['--cpu-prof', `--cpu-prof-dir=${options.cpuProfileDir}`] : [];
  const child = spawn(process.execPath, [...args, SERVE, configPath], { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stderr?.pipe(createWriteStream(join(dir, 'server.stderr.log')));
  let ports: { imap: number; lmtp: number | null };
  try {
    ports = await waitReady(child, 60_000);
  } catch (err) {
    child.kill('SIGKILL');
    throw err;
  }
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
  return {
    name: 'postkeep',
    imap: { host: '127.0.0.1', port: ports.imap },
    lmtp: ports.lmtp === null ? null : { host: '127.0.0.1', port: ports.lmtp },
    pids: () => (child.pid !== undefined && child.exitCode === null ? [child.pid] : []),
    stop: async () => {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

export const postkeep: ServerKind = {
  name: 'postkeep',
  seed,
  start,
  version: () => Promise.resolve('0.1.0 (this tree)'),
};
