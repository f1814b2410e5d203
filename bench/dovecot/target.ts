// Dovecot as a benchmark target: a private instance (own base_dir, pid file, ports, config; the
// system instance and /etc/dovecot are never touched), installed from Debian's packages if missing,
// seeded by writing Maildir files, started with `dovecot -c CONF` and stopped by its pid file.
import { execFile, spawnSync } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { connect, createServer } from 'node:net';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { promisify } from 'node:util';
import { processTree } from '../load/memory.js';
import type { RunningTarget, SeedPlan, ServerKind, StartOptions } from '../target.js';
import { dovecotConfig } from './config.js';
import { writeMaildir } from './maildir.js';

const run = promisify(execFile);
const MAIL_UID = 65534; // nobody: Dovecot will not give mail to uid 0
const INOTIFY = '/proc/sys/fs/inotify/max_user_instances';

export function ensureDovecotInstalled(log: (line: string) => void): void {
  if (spawnSync('sh', ['-c', 'command -v dovecot && command -v doveadm && test -x /usr/lib/dovecot/lmtp']).status === 0) return;
  log('Dovecot is missing: apt-get install -y dovecot-imapd dovecot-lmtpd');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  spawnSync('apt-get', ['update'], { stdio: 'inherit', env, timeout: 600_000 });
  const r = spawnSync('apt-get', ['install', '-y', 'dovecot-imapd', 'dovecot-lmtpd'], { stdio: 'inherit', env, timeout: 600_000 });
  if (r.status !== 0) throw new Error('could not install Dovecot (apt-get install dovecot-imapd dovecot-lmtpd)');
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function seed(dir: string, plan: SeedPlan, log: (line: string) => void): Promise<number> {
  ensureDovecotInstalled(log);
  const t0 = performance.now();
  await chmod(dir, 0o755);
  // One hash per kind: Dovecot's default-strength ARGON2ID (m=64 MiB, t=3) against Postkeep's
  // scrypt N=2^15; the cheap one (SSHA256) for sessions where hashing is not what is measured.
  const hashes = new Map<string, string>();
  const hashFor = async (password: string, cheap: boolean): Promise<string> => {
    const key = `${cheap}:${password}`;
    let h = hashes.get(key);
    if (h === undefined) {
      h = (await run('doveadm', ['pw', '-s', cheap ? 'SSHA256' : 'ARGON2ID', '-p', password])).stdout.trim();
      hashes.set(key, h);
    }
    return h;
  };
  const lines: string[] = [];
  for (const a of plan.accounts) {
    const home = join(dir, 'home', a.login);
    lines.push(`${a.login}:${await hashFor(a.password, a.cheapHash)}:${MAIL_UID}:${MAIL_UID}::${home}::`);
    await writeMaildir(join(home, 'Maildir'), a.inbox, (n) => log(`  dovecot: ${a.login} ${n}/${a.inbox}`));
  }
  await writeFile(join(dir, 'users'), lines.join('\n') + '\n', { mode: 0o644 });
  if (plan.accounts.length > 0) spawnSync('chown', ['-R', `${MAIL_UID}:${MAIL_UID}`, join(dir, 'home')]);
  return (performance.now() - t0) / 1000;
}

/** Each IDLE session of Dovecot needs an inotify instance (else it polls every 30 s); the kernel's
 *  default of 128 per user is raised for the run and put back by the returned function. */
function raiseInotify(needed: number): () => void {
  try {
    const before = Number(readFileSync(INOTIFY, 'utf8').trim());
    if (before >= needed) return () => {};
    writeFileSync(INOTIFY, String(needed));
    return () => writeFileSync(INOTIFY, String(before));
  } catch {
    return () => {};
  }
}

async function start(dir: string, options: StartOptions): Promise<RunningTarget> {
  const imapPort = await freePort();
  const lmtpPort = await freePort();
  for (const sub of ['run', 'state']) await mkdir(join(dir, sub), { recursive: true, mode: 0o755 });
  const conf = join(dir, 'dovecot.conf');
  await writeFile(conf, dovecotConfig({ dir, imapPort, lmtpPort, fsync: options.fsync ?? 'optimized', maxConnections: options.maxConnections }));
  const restoreInotify = raiseInotify(options.maxConnections + 1024);
  const pidFile = join(dir, 'run', 'master.pid');
  // The daemon keeps the stdio it was given: a file, not a pipe, or spawnSync would wait for it.
  const startLog = join(dir, 'dovecot-start.log');
  const out = openSync(startLog, 'w');
  const r = spawnSync('dovecot', ['-c', conf], { stdio: ['ignore', out, out], timeout: 60_000 });
  closeSync(out);
  if (r.status !== 0) {
    restoreInotify();
    throw new Error(`dovecot -c ${conf} failed: ${readFileSync(startLog, 'utf8')}`);
  }
  let master = 0;
  const deadline = performance.now() + 30_000;
  while (performance.now() < deadline) {
    if (existsSync(pidFile)) master = Number(readFileSync(pidFile, 'utf8').trim());
    if (master > 0 && (await canConnect(imapPort)) && (await canConnect(lmtpPort))) break;
    await sleep(100);
  }
  const stop = async (): Promise<void> => {
    const pid = master > 0 ? master : existsSync(pidFile) ? Number(readFileSync(pidFile, 'utf8').trim()) : 0;
    if (pid > 0) {
      const tree = processTree(pid);
      try {
        process.kill(pid, 'SIGTERM');
      } catch {
        // already gone
      }
      const until = performance.now() + 30_000;
      while (performance.now() < until && tree.some((p) => existsSync(`/proc/${p}`))) await sleep(100);
      for (const p of tree) {
        try {
          if (existsSync(`/proc/${p}`)) process.kill(p, 'SIGKILL');
        } catch {
          // gone
        }
      }
    }
    restoreInotify();
  };
  if (master === 0 || !(await canConnect(imapPort))) {
    await stop();
    throw new Error(`dovecot did not start (see ${join(dir, 'dovecot.log')})`);
  }
  return {
    name: options.fsync === 'always' ? 'dovecot (mail_fsync=always)' : 'dovecot',
    imap: { host: '127.0.0.1', port: imapPort },
    lmtp: { host: '127.0.0.1', port: lmtpPort },
    pids: () => processTree(master),
    stop,
  };
}

export const dovecot: ServerKind = {
  name: 'dovecot',
  seed,
  start,
  version: async () => (await run('dovecot', ['--version'])).stdout.trim(),
};
