// Starts bench/postkeep/serve.ts in a child process on a config written into the run directory
// (plain IMAP and LMTP on 127.0.0.1, ports chosen by the kernel), for either store.
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SERVER_NODE_FLAGS } from '../../src/cli/node-flags.js';
import type { RunningTarget, StartOptions } from '../target.js';

const SERVE = fileURLToPath(new URL('./serve.js', import.meta.url));

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

/** store: the [store] table ({ kind: 'postgres', url, pool_size }); absent: the embedded store in data_dir. */
export async function startPostkeep(name: string, dir: string, options: StartOptions, store?: Record<string, unknown>): Promise<RunningTarget> {
  const config = {
    data_dir: join(dir, 'data'),
    // Thousands of sessions from one address and one user (idle scenario): no connection limits.
    // No login throttle either: it counts a login in progress as a failure until it succeeds, so
    // hundreds of simultaneous logins from 127.0.0.1 lock the address out (Dovecot has no such brake).
    imap: {
      listen: ['127.0.0.1:0'],
      listen_tls: [],
      plaintext_auth: 'always',
      limits: { max_connections_per_ip: 0, max_connections_per_user: 0, login_failure_delay_ms: 0, login_failure_max_delay_ms: 0, login_lockout_ms: 0 },
    },
    pop3: { listen: [], listen_tls: [] },
    lmtp: { listen: ['127.0.0.1:0'] },
    log: { level: 'error' },
    ...(store ? { store } : {}),
  };
  const configPath = join(dir, 'config.json');
  await writeFile(configPath, JSON.stringify(config));
  const profile = options.cpuProfileDir ? ['--cpu-prof', `--cpu-prof-dir=${options.cpuProfileDir}`] : [];
  // The flags a deployed server runs with (the shebang, `npm start`, the README's unit).
  const child = spawn(process.execPath, [...SERVER_NODE_FLAGS, ...profile, SERVE, configPath], { stdio: ['ignore', 'pipe', 'pipe'] });
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
    name,
    imap: { host: '127.0.0.1', port: ports.imap },
    lmtp: ports.lmtp === null ? null : { host: '127.0.0.1', port: ports.lmtp },
    // The Postkeep process only (with the PostgreSQL store, the database's processes are not counted).
    pids: () => (child.pid !== undefined && child.exitCode === null ? [child.pid] : []),
    stop: async () => {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
