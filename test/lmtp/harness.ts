// An LMTP service on a port-0 listener over a temporary SQLite store, for the LMTP tests.
import { mkdtemp, rm } from 'node:fs/promises';
import type { Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import type { LmtpConfig } from '../../src/config/lmtp.js';
import { LmtpService } from '../../src/lmtp/server.js';
import { analyzeMessage } from '../../src/mime/analyze.js';
import { openSqliteStore } from '../../src/store/sqlite/index.js';
import type { Account, Store } from '../../src/store/types.js';

export interface LmtpHarness {
  readonly store: Store;
  readonly port: number;
  account(login: string): Promise<Account>;
  /** Every message of a mailbox of the account, as stored. */
  messages(login: string, mailbox?: string): Promise<Buffer[]>;
  stop(): Promise<void>;
}

export async function startLmtp(config: Partial<LmtpConfig> = {}): Promise<LmtpHarness> {
  const dir = await mkdtemp(join(tmpdir(), 'postkeep-lmtp-'));
  const store = await openSqliteStore({ dataDir: dir, analyze: analyzeMessage, fsync: true });
  const service = new LmtpService({
    store,
    config: { listen: [], localDomains: ['example.org'], recipientDelimiter: '+', plusToMailbox: true, maxMessageBytes: 4096, ...config },
    logger: pino({ level: 'silent' }),
    name: 'lmtp.test',
  });
  const server: Server = service.createListener();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return {
    store,
    port,
    async account(login) {
      return store.createAccount(login, 'x');
    },
    async messages(login, mailbox = 'INBOX') {
      const account = await store.findAccount(login);
      if (!account) throw new Error(`no account ${login}`);
      const box = await store.getMailbox(account.id, mailbox);
      if (!box) throw new Error(`no mailbox ${mailbox}`);
      return Promise.all((await store.listMessages(box.id)).map((m) => store.readMessage(m.blobId)));
    },
    async stop() {
      try {
        await service.shutdown();
        await store.close();
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },
  };
}
