// An in-process IMAP server for session tests: SQLite store in a temp dir, ImapService on
// 127.0.0.1 port 0 (plain) and another port (implicit TLS), self-signed certificate. Error logs
// are collected so that a test can assert that no command hit SERVERBUG.
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { openSqliteStore } from '../../../src/store/sqlite/index.js';
import { analyzeMessage } from '../../../src/mime/analyze.js';
import { hashPassword } from '../../../src/auth/password.js';
import { createSecureContext, generateSelfSigned } from '../../../src/tls/index.js';
import { ImapService } from '../../../src/imap/server.js';
import { defaultLimits, type Limits } from '../../../src/imap/limits.js';
import type { Account, Store } from '../../../src/store/types.js';

export interface TestImap {
  readonly port: number;
  readonly store: Store;
  readonly service: ImapService;
  /** Error log lines (JSON) written while the server ran. */
  readonly errors: string[];
  addUser(login: string, password: string): Promise<Account>;
  /** Appends straight into the store; returns the UID. */
  seed(account: Account, mailbox: string, message: string, flags?: string[]): Promise<number>;
  stop(): Promise<void>;
}

let pems: Promise<{ cert: string; key: string }> | undefined;

// One hash for every test user: scrypt is slow on purpose.
let passwordHash: Promise<string> | undefined;

export async function startTestImap(opts: { plaintextAuth?: 'always' | 'loopback' | 'never'; limits?: Partial<Limits> } = {}): Promise<TestImap> {
  const dataDir = await mkdtemp(join(tmpdir(), 'postkeep-session-'));
  const store = await openSqliteStore({ dataDir, analyze: analyzeMessage, fsync: false });
  const errors: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb) {
      errors.push(chunk.toString());
      cb();
    },
  });
  const logger = pino({ level: 'error' }, sink);
  pems ??= generateSelfSigned('localhost');
  const context = createSecureContext(await pems);
  const service = new ImapService({
    store,
    limits: { ...defaultLimits, ...opts.limits },
    logger,
    secureContext: () => context,
    plaintextAuth: opts.plaintextAuth ?? 'loopback',
  });
  const server: Server = createServer((socket) => service.handle(socket, { implicitTls: false }));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('no address');
  return {
    port: address.port,
    store,
    service,
    errors,
    async addUser(login, password) {
      passwordHash ??= hashPassword('secret');
      const hash = password === 'secret' ? await passwordHash : await hashPassword(password);
      return store.createAccount(login, hash);
    },
    async seed(account, mailbox, message, flags = []) {
      const mb = await store.getMailbox(account.id, mailbox);
      if (!mb) throw new Error(`no mailbox ${mailbox}`);
      return (await store.appendMessage(mb.id, { bytes: Buffer.from(message.replace(/\r?\n/g, '\r\n')), flags })).uid;
    },
    async stop() {
      await service.shutdown('Test over');
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await store.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

export function message(subject: string, body = 'Hello.'): string {
  return `From: a@example.org\r\nTo: b@example.org\r\nSubject: ${subject}\r\nDate: Mon, 1 Jan 2024 10:00:00 +0000\r\nMessage-ID: <${subject.replace(/\W/g, '')}@example.org>\r\n\r\n${body}\r\n`;
}
