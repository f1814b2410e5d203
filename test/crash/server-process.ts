// A real `postkeep serve` child process for the crash and shutdown tests: started on port 0, its
// listening ports read from its JSON log lines on stdout. Every process started here is killed by
// killAll(), which tests call in t.after (also when they fail).
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { MAIN } from '../cli/run.js';

export interface ServeProcess {
  readonly child: ChildProcess;
  readonly imapPort: number;
  /** 0 when LMTP is off. */
  readonly lmtpPort: number;
  /** 0 when POP3 is off. */
  readonly pop3Port: number;
  /** Every JSON log line so far (msg and the rest). */
  readonly lines: Array<Record<string, unknown> & { msg: string }>;
  /** Resolves with the first log line whose msg matches. */
  waitForLog(pattern: RegExp, timeoutMs?: number): Promise<Record<string, unknown> & { msg: string }>;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stderr(): string;
}

const running = new Set<ChildProcess>();

export function killAll(): void {
  for (const child of running) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  running.clear();
}

/** Writes <dir>/postkeep.toml for dataDir <dir>/data with IMAP (plain), LMTP and optionally POP3 on port 0. */
export function writeConfig(dir: string, opts: { pop3?: boolean } = {}): string {
  const path = join(dir, 'postkeep.toml');
  writeFileSync(
    path,
    [
      'data_dir = "data"',
      '[imap]',
      'listen = ["127.0.0.1:0"]',
      'listen_tls = []',
      '[pop3]',
      `listen = [${opts.pop3 === true ? '"127.0.0.1:0"' : ''}]`,
      'listen_tls = []',
      '[lmtp]',
      'listen = ["127.0.0.1:0"]',
      'local_domains = ["example.org"]',
      '[log]',
      'level = "info"',
      '',
    ].join('\n'),
  );
  return path;
}

export async function startServe(configPath: string, extraArgs: readonly string[] = [], opts: { pop3?: boolean } = {}): Promise<ServeProcess> {
  const child = spawn(process.execPath, [MAIN, '--config', configPath, 'serve', ...extraArgs], { stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => {
      running.delete(child);
      resolve({ code, signal });
    }),
  );
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const lines: Array<Record<string, unknown> & { msg: string }> = [];
  const waiters: Array<() => void> = [];
  let buffered = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    buffered += chunk;
    const parts = buffered.split('\n');
    buffered = parts.pop() ?? '';
    for (const part of parts) if (part.trim() !== '') lines.push(JSON.parse(part) as Record<string, unknown> & { msg: string });
    for (const w of waiters.splice(0)) w();
  });
  let ended = false;
  void exited.then(() => {
    ended = true;
    for (const w of waiters.splice(0)) w();
  });
  const waitForLog = async (pattern: RegExp, timeoutMs = 15_000): Promise<Record<string, unknown> & { msg: string }> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = lines.find((l) => pattern.test(l.msg));
      if (found) return found;
      if (ended) throw new Error(`serve exited before logging ${pattern}: ${stderr}\n${lines.map((l) => l.msg).join('\n')}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`serve did not log ${pattern} within ${timeoutMs} ms: ${stderr}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  };
  const port = async (pattern: RegExp): Promise<number> => Number(/:(\d+)\b/.exec((await waitForLog(pattern)).msg)?.[1]);
  const imapPort = await port(/^IMAP listening on /);
  const pop3Port = opts.pop3 === true ? await port(/^POP3 listening on /) : 0;
  const lmtpPort = await port(/^LMTP listening on /);
  return { child, imapPort, lmtpPort, pop3Port, lines, waitForLog, exited, stderr: () => stderr };
}

/** SIGKILL and wait until the process is gone. */
export async function sigkill(p: ServeProcess): Promise<void> {
  if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL');
  await p.exited;
}

export { once };
