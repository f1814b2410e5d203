// Starts a real Postkeep server on ephemeral ports with a temporary data directory, for the
// transcript and real-client tests. Every test that calls startTestServer must call stop().
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { configFromObject } from '../../src/config/index.js';
import { startServer } from '../../src/server/index.js';
import { hashPassword } from '../../src/auth/password.js';
import type { Account, Store } from '../../src/store/types.js';

export interface TestServerOptions {
  readonly plaintextAuth?: 'always' | 'loopback' | 'never';
  /** Extra [imap.limits] keys in snake_case (e.g. { max_line_bytes: 8192 }). */
  readonly limits?: Record<string, number>;
  readonly logLevel?: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace';
  /** [pop3] plaintext_auth (default "loopback"). */
  readonly pop3PlaintextAuth?: 'always' | 'loopback' | 'never';
  /** Extra [lmtp] keys in snake_case (listen is always port 0; local_domains ["example.org"]). */
  readonly lmtp?: Record<string, unknown>;
  /** [imap] admins: logins that may SETQUOTA (RFC 9208). */
  readonly admins?: readonly string[];
}

type RunningServer = Awaited<ReturnType<typeof startServer>>;

export interface TestServer {
  readonly server: RunningServer;
  readonly store: Store;
  readonly port: number;
  readonly tlsPort: number;
  /** POP3 (STLS) and POP3S ports. */
  readonly pop3Port: number;
  readonly pop3TlsPort: number;
  /** LMTP port. */
  readonly lmtpPort: number;
  readonly dataDir: string;
  addUser(login: string, password: string): Promise<Account>;
  /** Appends raw bytes straight into the store (bypassing IMAP); returns the UID. */
  seed(login: string, mailbox: string, bytes: Buffer | string, flags?: readonly string[], internalDate?: number): Promise<number>;
  stop(): Promise<void>;
}

export { fixturePath, readFixture, repoRoot } from './fixtures.js';

export async function startTestServer(opts: TestServerOptions = {}): Promise<TestServer> {
  const dataDir = await mkdtemp(join(tmpdir(), 'postkeep-test-'));
  let server: RunningServer;
  try {
    const config = configFromObject({
      data_dir: dataDir,
      imap: {
        listen: ['127.0.0.1:0'],
        listen_tls: ['127.0.0.1:0'],
        plaintext_auth: opts.plaintextAuth ?? 'loopback',
        // The login brake (src/auth/throttle.ts) is off unless a test asks for it: its real delays
        // (up to 8 s) and lockouts would make every test that fails a login on purpose slow down
        // the ones after it on this shared 127.0.0.1. The throttle has its own tests (fake clock).
        limits: { login_failure_delay_ms: 0, login_failure_max_delay_ms: 0, login_lockout_ms: 0, ...opts.limits },
        ...(opts.admins ? { admins: opts.admins } : {}),
      },
      // Port 0 here too: the default POP3 ports would clash between tests running in parallel.
      pop3: { listen: ['127.0.0.1:0'], listen_tls: ['127.0.0.1:0'], plaintext_auth: opts.pop3PlaintextAuth ?? 'loopback' },
      lmtp: { listen: ['127.0.0.1:0'], local_domains: ['example.org'], ...(opts.lmtp ?? {}) },
      log: { level: opts.logLevel ?? 'warn' },
    });
    server = await startServer(config);
  } catch (e) {
    await rm(dataDir, { recursive: true, force: true });
    throw e;
  }
  const plain = server.imap.plain[0];
  const tls = server.imap.tls[0];
  const pop3Plain = server.pop3.plain[0];
  const pop3Tls = server.pop3.tls[0];
  if (!plain || !tls || !pop3Plain || !pop3Tls) {
    await server.stop();
    await rm(dataDir, { recursive: true, force: true });
    throw new Error('startServer returned no listening addresses');
  }
  const store = server.store;
  const accounts = new Map<string, Account>();
  let stopped = false;
  return {
    server,
    store,
    port: plain.port,
    tlsPort: tls.port,
    pop3Port: pop3Plain.port,
    pop3TlsPort: pop3Tls.port,
    lmtpPort: server.lmtp[0]?.port ?? 0,
    dataDir,
    async addUser(login, password) {
      const account = await store.createAccount(login, await hashPassword(password));
      accounts.set(login, account);
      return account;
    },
    async seed(login, mailbox, bytes, flags = [], internalDate) {
      const account = accounts.get(login) ?? (await store.findAccount(login));
      if (!account) throw new Error(`seed: no account ${login}`);
      const mb = await store.getMailbox(account.id, mailbox);
      if (!mb) throw new Error(`seed: no mailbox ${mailbox} for ${login}`);
      const r = await store.appendMessage(mb.id, {
        bytes: typeof bytes === 'string' ? Buffer.from(bytes, 'utf8') : bytes,
        flags,
        ...(internalDate === undefined ? {} : { internalDate }),
      });
      return r.uid;
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      try {
        await server.stop();
      } finally {
        await rm(dataDir, { recursive: true, force: true });
      }
    },
  };
}
