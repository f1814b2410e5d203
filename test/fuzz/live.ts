// The live fuzzer: mutated and generated input against an in-process IMAP, POP3 and LMTP server
// (port 0). For every case: the server answers the sentinel NOOP sent after it, asks for more
// (a continuation: it waits for a literal, IDLE's DONE, an AUTHENTICATE response) or closes the
// connection, within a time bound; a fresh connection then still gets a greeting and NOOP works;
// and no error-level log line (SERVERBUG, session failed) was written. A crash ends the process.
import { randomBytes, scryptSync } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import { Writable } from 'node:stream';
import fc from 'fast-check';
import { pino } from 'pino';
import { defaultLmtp } from '../../src/config/lmtp.js';
import { LmtpService } from '../../src/lmtp/server.js';
import { startSecurityServer, type SecurityServer } from '../security/harness.js';
import { imapCase, lmtpCase, pop3Case, PASSWORD, show, transcriptLines, USER, type ImapCase } from './cases.js';

/** How long the server may take to answer a case before it counts as a hang. */
const ANSWER_BOUND_MS = 10_000;

export interface FuzzOptions {
  readonly seed: number;
  /** Stop after this many IMAP cases... */
  readonly iterations?: number;
  /** ...or after this long. */
  readonly seconds?: number;
  readonly progress?: (stats: FuzzStats) => void;
}

export interface FuzzStats {
  imap: number;
  pop3: number;
  lmtp: number;
  closedByServer: number;
  waitingForClient: number;
}

export class FuzzFailure extends Error {}

/** A raw connection that keeps what the server said since the last mark (latin1, bounded). */
class Raw {
  private text = '';
  closed = false;
  private wake: (() => void) | null = null;

  private constructor(readonly socket: Socket) {
    socket.setEncoding('latin1');
    socket.on('data', (d: string) => {
      this.text = (this.text + d).slice(-65536);
      this.wake?.();
    });
    socket.on('error', () => undefined);
    socket.on('close', () => {
      this.closed = true;
      this.wake?.();
    });
  }

  static open(port: number): Promise<Raw> {
    return new Promise((resolve, reject) => {
      const s = connect({ host: '127.0.0.1', port }, () => resolve(new Raw(s)));
      s.once('error', reject);
    });
  }

  mark(): void {
    this.text = '';
  }

  has(re: RegExp): boolean {
    return re.test(this.text);
  }

  /** Waits until `done()` or the time passes; true when done. */
  async until(done: () => boolean, ms: number): Promise<boolean> {
    const deadline = Date.now() + ms;
    while (!done()) {
      const left = deadline - Date.now();
      if (left <= 0) return false;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 50));
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wake = null;
    }
    return true;
  }

  write(b: Buffer | string): void {
    if (!this.closed) this.socket.write(b);
  }

  destroy(): void {
    this.socket.destroy();
  }

  get tail(): string {
    return this.text.slice(-600);
  }
}

/** A scrypt hash with a small N: thousands of logins in a run must not be what the fuzzer measures. */
function cheapHash(password: string): string {
  const salt = randomBytes(16);
  const key = scryptSync(password.normalize('NFC'), salt, 32, { N: 1024, r: 8, p: 1 });
  return ['scrypt', 1024, 8, 1, salt.toString('base64'), key.toString('base64')].join('$');
}

interface Servers {
  readonly s: SecurityServer;
  readonly lmtpPort: number;
  readonly lmtpErrors: string[];
  stop(): Promise<void>;
}

async function startServers(): Promise<Servers> {
  const s = await startSecurityServer({
    limits: {
      maxLineBytes: 8192,
      maxMessageBytes: 1_000_000,
      maxAuthFailures: 1000,
      loginLockoutMs: 0,
      loginFailureDelayMs: 0,
      maxConnectionsPerIp: 0,
      maxConnectionsPerUser: 0,
    },
  });
  const account = await s.store.createAccount(USER, cheapHash(PASSWORD));
  await s.seed(account, 'INBOX', 'Subject: one\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n\r\nhello\r\n--b\r\nContent-Type: message/rfc822\r\n\r\nSubject: inner\r\n\r\nbody\r\n--b--\r\n');
  await s.seed(account, 'INBOX', 'Subject: two\r\n\r\nplain\r\n');
  const lmtpErrors: string[] = [];
  const logger = pino(
    { level: 'error' },
    new Writable({
      write(chunk: Buffer, _e, cb) {
        lmtpErrors.push(chunk.toString());
        cb();
      },
    }),
  );
  const lmtp = new LmtpService({ store: s.store, config: { ...defaultLmtp(1_000_000), localDomains: ['example.org'] }, logger });
  const listener = lmtp.createListener();
  await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
  const address = listener.address();
  if (!address || typeof address === 'string') throw new Error('no LMTP address');
  return {
    s,
    lmtpPort: address.port,
    lmtpErrors,
    async stop() {
      await lmtp.shutdown();
      await new Promise<void>((resolve) => listener.close(() => resolve()));
      await s.stop();
    },
  };
}

async function imapOpen(s: SecurityServer, start: ImapCase['start']): Promise<Raw> {
  const c = await Raw.open(s.imapPort);
  if (!(await c.until(() => c.has(/^\* OK .*\r\n/), ANSWER_BOUND_MS))) throw new FuzzFailure(`no greeting: ${c.tail}`);
  if (start !== 'greeting') {
    c.write(`l1 LOGIN ${USER} ${PASSWORD}\r\n`);
    if (!(await c.until(() => c.has(/\r\nl1 OK/) || c.has(/^l1 OK/m), ANSWER_BOUND_MS))) throw new FuzzFailure(`login failed: ${c.tail}`);
  }
  if (start === 'select') {
    c.write('l2 SELECT INBOX\r\n');
    if (!(await c.until(() => c.has(/^l2 OK/m), ANSWER_BOUND_MS))) throw new FuzzFailure(`select failed: ${c.tail}`);
  }
  return c;
}

/** The check after every case: a new connection is greeted and NOOP is answered. */
async function stillServing(s: SecurityServer, what: string): Promise<void> {
  const c = await Raw.open(s.imapPort);
  try {
    const ok = (await c.until(() => c.has(/^\* OK /), ANSWER_BOUND_MS)) && (c.write('n1 NOOP\r\n'), await c.until(() => c.has(/^n1 OK/m), ANSWER_BOUND_MS));
    if (!ok) throw new FuzzFailure(`after ${what}: a fresh connection got no greeting or no NOOP answer: ${c.tail}`);
  } finally {
    c.destroy();
  }
}

let sentinelCounter = 0;

/** White box: whether some IMAP session is running a command (rather than waiting for its client). */
function anySessionBusy(s: SecurityServer): boolean {
  // `busy` is the session's own flag (private): true while a command runs or waits for client input.
  const sessions = s.imap.sessions as unknown as ReadonlySet<{ busy: boolean }>;
  return [...sessions].some((x) => x.busy);
}

async function runImapCase(s: SecurityServer, kase: ImapCase, stats: FuzzStats): Promise<void> {
  const c = await imapOpen(s, kase.start);
  try {
    c.mark();
    const sentinel = `zz${++sentinelCounter}`;
    c.write(kase.bytes);
    c.write(`\r\n${sentinel} NOOP\r\n`);
    const answered = new RegExp(`(^|\\n)${sentinel} (OK|NO|BAD)`);
    const continuation = /(^|\n)\+( |\r)/;
    const settled = (): boolean => c.closed || c.has(answered) || c.has(continuation);
    const deadline = Date.now() + ANSWER_BOUND_MS;
    // A command that announced a literal it never sent in full (a non-synchronizing one, or ours
    // swallowed as its bytes) leaves the server waiting for us: no session busy, nothing more said.
    while (!(await c.until(settled, 300))) {
      if (Date.now() > deadline) throw new FuzzFailure(`no answer within ${ANSWER_BOUND_MS} ms and a command still running: ${c.tail}`);
      const before = c.tail;
      if (!anySessionBusy(s) && (await c.until(() => c.tail !== before, 100)) === false && !anySessionBusy(s)) {
        stats.waitingForClient++;
        return;
      }
    }
    if (c.closed) stats.closedByServer++;
    else if (!c.has(answered)) {
      // A continuation: give the rest a moment, then the server is waiting for us; fine.
      if (!(await c.until(() => c.closed || c.has(answered), 200))) stats.waitingForClient++;
    }
  } finally {
    c.destroy();
  }
}

async function runLineCase(port: number, bytes: Buffer, greeting: RegExp, what: string): Promise<void> {
  const c = await Raw.open(port);
  try {
    if (!(await c.until(() => c.has(greeting), ANSWER_BOUND_MS))) throw new FuzzFailure(`${what}: no greeting: ${c.tail}`);
    c.write(bytes);
    c.write('\r\nQUIT\r\n');
    c.socket.end();
    // Whatever was said, the server hangs up once the client is gone.
    if (!(await c.until(() => c.closed, ANSWER_BOUND_MS))) throw new FuzzFailure(`${what}: connection not closed after QUIT and EOF: ${c.tail}`);
  } finally {
    c.destroy();
  }
}

function checkLogs(servers: Servers, what: string): void {
  const errors = servers.s.errors();
  if (errors.length > 0 || servers.lmtpErrors.length > 0) {
    throw new FuzzFailure(`error log after ${what}: ${JSON.stringify([...errors, ...servers.lmtpErrors]).slice(0, 3000)}`);
  }
  servers.s.logs.length = 0;
}

/** Runs until the iteration count or the time is reached; throws FuzzFailure with the case on failure. */
export async function runFuzz(options: FuzzOptions): Promise<FuzzStats> {
  const servers = await startServers();
  const stats: FuzzStats = { imap: 0, pop3: 0, lmtp: 0, closedByServer: 0, waitingForClient: 0 };
  const lines = transcriptLines();
  const imapArb = imapCase(lines);
  const deadline = options.seconds === undefined ? Infinity : Date.now() + options.seconds * 1000;
  const maxImap = options.iterations ?? Infinity;
  try {
    for (let batch = 0; stats.imap < maxImap && Date.now() < deadline; batch++) {
      const seed = options.seed + batch;
      const cases = fc.sample(imapArb, { seed, numRuns: 20 });
      for (const [i, kase] of cases.entries()) {
        if (stats.imap >= maxImap || Date.now() >= deadline) break;
        const what = `IMAP case ${i} of batch seed ${seed} (start ${kase.start}): ${show(kase.bytes)}`;
        try {
          await runImapCase(servers.s, kase, stats);
          await stillServing(servers.s, what);
        } catch (err) {
          throw err instanceof FuzzFailure ? new FuzzFailure(`${what}\n${err.message}`) : err;
        }
        checkLogs(servers, what);
        stats.imap++;
      }
      // POP3 and LMTP lightly: a few cases per batch.
      for (const bytes of fc.sample(pop3Case, { seed, numRuns: 3 })) {
        await runLineCase(servers.s.pop3Port, bytes, /^\+OK /, `POP3 case (seed ${seed}) ${show(bytes)}`);
        checkLogs(servers, `POP3 case (seed ${seed}) ${show(bytes)}`);
        stats.pop3++;
      }
      for (const bytes of fc.sample(lmtpCase, { seed, numRuns: 2 })) {
        await runLineCase(servers.lmtpPort, bytes, /^220 /, `LMTP case (seed ${seed}) ${show(bytes)}`);
        checkLogs(servers, `LMTP case (seed ${seed}) ${show(bytes)}`);
        stats.lmtp++;
      }
      options.progress?.(stats);
    }
    await stillServing(servers.s, 'the run');
    return stats;
  } finally {
    await servers.stop();
  }
}
