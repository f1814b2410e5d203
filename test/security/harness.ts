// An in-process IMAP + POP3 server for the security tests: SQLite store in a temp dir, both
// services on 127.0.0.1 port 0 sharing one LoginThrottle (fake clock, no real sleeps) and one
// ConnectionLimiter, like src/server/start.ts wires them. Log lines of level warn and above are
// kept, so that a test can look for the peer address or for SERVERBUG-class errors.
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { openSqliteStore } from '../../src/store/sqlite/index.js';
import { analyzeMessage } from '../../src/mime/analyze.js';
import { hashPassword } from '../../src/auth/password.js';
import { createSecureContext, generateSelfSigned } from '../../src/tls/index.js';
import { ImapService } from '../../src/imap/server.js';
import { Pop3Service } from '../../src/pop3/server.js';
import { defaultLimits, type Limits } from '../../src/imap/limits.js';
import { LoginThrottle } from '../../src/auth/throttle.js';
import { ConnectionLimiter } from '../../src/auth/connection-limits.js';
import type { Account, Store } from '../../src/store/types.js';
import { FakeClock } from '../auth/fake-clock.js';

export interface SecurityServer {
  readonly imapPort: number;
  readonly pop3Port: number;
  readonly store: Store;
  readonly clock: FakeClock;
  readonly throttle: LoginThrottle;
  readonly connections: ConnectionLimiter;
  readonly imap: ImapService;
  /** Parsed log entries of level warn (40) and above. */
  readonly logs: Array<Record<string, unknown>>;
  /** Entries of level error (50) and above: a command hit SERVERBUG or a session failed. */
  errors(): Array<Record<string, unknown>>;
  addUser(login: string, password?: string): Promise<Account>;
  seed(account: Account, mailbox: string, message: string | Buffer): Promise<number>;
  stop(): Promise<void>;
}

let pems: Promise<{ cert: string; key: string }> | undefined;
let secretHash: Promise<string> | undefined;

export async function startSecurityServer(opts: { limits?: Partial<Limits> } = {}): Promise<SecurityServer> {
  const dataDir = await mkdtemp(join(tmpdir(), 'postkeep-security-'));
  const store = await openSqliteStore({ dataDir, analyze: analyzeMessage, fsync: false });
  const logs: Array<Record<string, unknown>> = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb) {
      for (const line of chunk.toString().split('\n')) if (line.trim() !== '') logs.push(JSON.parse(line) as Record<string, unknown>);
      cb();
    },
  });
  const logger = pino({ level: 'warn' }, sink);
  pems ??= generateSelfSigned('localhost');
  const context = createSecureContext(await pems);
  const limits: Limits = { ...defaultLimits, ...opts.limits };
  const clock = new FakeClock();
  const throttle = new LoginThrottle(
    {
      baseDelayMs: limits.loginFailureDelayMs,
      maxDelayMs: limits.loginFailureMaxDelayMs,
      lockoutUserFailures: limits.loginLockoutUserFailures,
      lockoutIpFailures: limits.loginLockoutIpFailures,
      lockoutMs: limits.loginLockoutMs,
    },
    clock,
  );
  const connections = new ConnectionLimiter(limits.maxConnectionsPerIp, limits.maxConnectionsPerUser);
  const common = { store, limits, logger, secureContext: () => context, throttle, connections };
  const imap = new ImapService({ ...common, plaintextAuth: 'always' });
  const pop3 = new Pop3Service({ ...common, plaintextAuth: 'always' });
  const listen = async (server: Server): Promise<number> => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const a = server.address();
    if (!a || typeof a === 'string') throw new Error('no address');
    return a.port;
  };
  const imapServer = createServer((s) => imap.handle(s, { implicitTls: false }));
  const pop3Server = createServer((s) => pop3.handle(s, { implicitTls: false }));
  const imapPort = await listen(imapServer);
  const pop3Port = await listen(pop3Server);
  return {
    imapPort,
    pop3Port,
    store,
    clock,
    throttle,
    connections,
    imap,
    logs,
    errors: () => logs.filter((e) => typeof e['level'] === 'number' && e['level'] >= 50),
    async addUser(login, password = 'secret') {
      secretHash ??= hashPassword('secret');
      return store.createAccount(login, password === 'secret' ? await secretHash : await hashPassword(password));
    },
    async seed(account, mailbox, message) {
      const mb = await store.getMailbox(account.id, mailbox);
      if (!mb) throw new Error(`no mailbox ${mailbox}`);
      const bytes = typeof message === 'string' ? Buffer.from(message.replace(/\r?\n/g, '\r\n')) : message;
      return (await store.appendMessage(mb.id, { bytes, flags: [] })).uid;
    },
    async stop() {
      await Promise.all([imap.shutdown('Test over'), pop3.shutdown()]);
      await Promise.all([imapServer, pop3Server].map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
      await store.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
