// Graceful shutdown of the IMAP service: an APPEND whose message is being stored when the shutdown
// starts finishes and gets its OK [APPENDUID] before `* BYE`; a client waiting in IDLE gets its BYE at
// once (waiting for a client never holds a shutdown up). The store is held at a gate, so the order
// is deterministic.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSecureContext } from 'node:tls';
import { test } from 'node:test';
import { pino } from 'pino';
import { defaultLimits } from '../../src/imap/limits.js';
import { ImapService } from '../../src/imap/server.js';
import { analyzeMessage } from '../../src/mime/analyze.js';
import { openSqliteStore } from '../../src/store/sqlite/index.js';
import type { Store } from '../../src/store/types.js';
import { ImapClient } from '../helpers/imap-client.js';
import { cheapHash } from './cheap-hash.js';

test('shutdown: an APPEND being stored finishes with OK before BYE; IDLE gets BYE at once', { timeout: 20_000 }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'postkeep-shutdown-'));
  const real = await openSqliteStore({ dataDir: dir, analyze: analyzeMessage, fsync: false });
  const account = await real.createAccount('alice', cheapHash('pw'));
  let entered!: () => void;
  const inStore = new Promise<void>((resolve) => (entered = resolve));
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const store = new Proxy(real, {
    get(target, prop) {
      if (prop === 'appendMessage') {
        return async (...args: Parameters<Store['appendMessage']>) => {
          entered();
          await gate;
          return target.appendMessage(...args);
        };
      }
      const value: unknown = Reflect.get(target, prop, target);
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
  const service = new ImapService({ store, limits: defaultLimits, logger: pino({ level: 'silent' }), secureContext: () => createSecureContext(), plaintextAuth: 'always' });
  const listener = createServer((socket) => service.handle(socket, { implicitTls: false }));
  await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
  const port = (listener.address() as AddressInfo).port;
  const clients: ImapClient[] = [];
  t.after(async () => {
    release();
    for (const c of clients) c.destroy();
    listener.close();
    await real.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const idler = await ImapClient.connect({ port, name: 'I' });
  const writer = await ImapClient.connect({ port, name: 'W' });
  clients.push(idler, writer);
  await idler.login('alice', 'pw');
  await writer.login('alice', 'pw');
  await idler.ok('SELECT INBOX');
  idler.sendLine('i1 IDLE');
  assert.match((await idler.next()).text, /^\+ /);

  const message = 'From: a@example.org\r\nSubject: in flight\r\n\r\nStored during shutdown.\r\n';
  await writer.sendParts('w1', ['w1 APPEND INBOX ', { literal: message, nonSync: true }]);
  await inStore; // the message is being stored now
  const stopped = service.shutdown('Server shutting down');

  // IDLE waits for the client: BYE comes at once, while the APPEND is still held.
  const bye = await idler.waitFor((r) => r.text.startsWith('* BYE'));
  assert.equal(bye.match.text, '* BYE [UNAVAILABLE] Server shutting down');
  await idler.closed;

  release();
  const appended = await writer.readTagged('w1');
  assert.equal(appended.status, 'OK', writer.transcript());
  assert.match(appended.text, /^\[APPENDUID \d+ 1\] /);
  const after = await writer.next();
  assert.equal(after.text, '* BYE [UNAVAILABLE] Server shutting down');
  await writer.closed;
  await stopped;

  const inbox = await real.getMailbox(account.id, 'INBOX');
  assert.ok(inbox);
  const stored = await real.listMessages(inbox.id);
  assert.equal(stored.length, 1);
  assert.equal((await real.readMessage(stored[0]?.blobId ?? '')).toString(), message);

  // Nothing new is served once shutting down.
  const late = await ImapClient.connect({ port, name: 'L' });
  clients.push(late);
  assert.equal(late.greeting, '* BYE [UNAVAILABLE] Server shutting down');
});
