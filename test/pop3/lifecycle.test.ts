// How POP3 sessions end: autologout and server stop close without UPDATE, so DELE marks without QUIT
// are kept (RFC 1939 §3, §6); too much garbage closes the connection; stop() closes POP3 clients.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createConnection, createServer, type AddressInfo, type Server } from 'node:net';
import { pino } from 'pino';
import { defaultLimits } from '../../src/imap/limits.js';
import { Pop3Service } from '../../src/pop3/server.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { Pop3Client } from './client.js';

const USER = 'life';
const PASS = 'life-secret';

describe('POP3 session endings', () => {
  let server: TestServer;
  let inboxId: number;
  before(async () => {
    server = await startTestServer();
    const account = await server.addUser(USER, PASS);
    inboxId = (await server.store.getMailbox(account.id, 'INBOX'))!.id;
    await server.seed(USER, 'INBOX', 'Subject: a\r\n\r\na\r\n');
    await server.seed(USER, 'INBOX', 'Subject: b\r\n\r\nb\r\n');
  });
  after(async () => {
    await server?.stop();
  });

  /** A POP3 service of our own on the test server's store, with limits config would not allow. */
  async function ownService(limits: Partial<typeof defaultLimits>): Promise<{ service: Pop3Service; port: number; close(): Promise<void> }> {
    const service = new Pop3Service({
      store: server.store,
      limits: { ...defaultLimits, ...limits },
      logger: pino({ level: 'silent' }),
      secureContext: () => {
        throw new Error('no TLS in this test');
      },
      plaintextAuth: 'loopback',
    });
    const listener: Server = createServer((socket) => service.handle(socket, { implicitTls: false }));
    await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
    return {
      service,
      port: (listener.address() as AddressInfo).port,
      close: async () => {
        const closed = new Promise<void>((resolve) => listener.close(() => resolve()));
        await service.shutdown();
        await closed;
      },
    };
  }

  it('autologout after login closes silently and keeps DELE-marked mail', async () => {
    const own = await ownService({ idleTimeoutAuthenticatedMs: 300 });
    try {
      const c = await Pop3Client.connect({ port: own.port });
      await c.login(USER, PASS);
      assert.equal(await c.cmd('DELE 1'), '+OK Message 1 deleted');
      await c.closed; // the server's autologout, no response first
      assert.deepEqual(c.log.slice(-1), ['S: +OK Message 1 deleted']);
      assert.equal((await server.store.listMessages(inboxId)).length, 2);
    } finally {
      await own.close();
    }
  });

  it('service shutdown closes sessions without UPDATE', async () => {
    const own = await ownService({});
    const c = await Pop3Client.connect({ port: own.port });
    await c.login(USER, PASS);
    assert.equal(await c.cmd('DELE 2'), '+OK Message 2 deleted');
    await own.close();
    await c.closed;
    assert.equal(own.service.connectionCount, 0);
    assert.equal((await server.store.listMessages(inboxId)).length, 2);
  });

  it('closes after ten invalid commands in a row', async () => {
    const c = await Pop3Client.connect({ port: server.pop3Port });
    try {
      for (let k = 1; k < 10; k++) assert.equal(await c.cmd('GET / HTTP/1.1'), '-ERR Unknown command "GET"');
      assert.equal(await c.cmd('GET / HTTP/1.1'), '-ERR Unknown command "GET"; too many invalid commands, closing the connection');
      await c.closed;
    } finally {
      c.close();
    }
  });

  it('a client that stops reading in the middle of RETR is dropped at the autologout time', async () => {
    const big = `Subject: big\r\n\r\n${'x'.repeat(998)}\r\n`.repeat(16 * 1024); // 16 MiB
    await server.seed(USER, 'INBOX', big);
    const own = await ownService({ idleTimeoutAuthenticatedMs: 500, maxOutputBufferBytes: 64 * 1024 });
    try {
      const raw = createConnection(own.port, '127.0.0.1');
      raw.on('error', () => undefined);
      raw.pause(); // never read: the server's writes stall once the socket buffers are full
      raw.write(`USER ${USER}\r\nPASS ${PASS}\r\nRETR 3\r\n`);
      const deadline = Date.now() + 20_000;
      const until = async (ok: () => boolean): Promise<void> => {
        while (!ok() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      };
      await until(() => own.service.connectionCount === 1);
      await until(() => own.service.connectionCount === 0);
      assert.equal(own.service.connectionCount, 0, 'the stalled session was not dropped');
      raw.destroy();
    } finally {
      await own.close();
      const uid = (await server.store.listMessages(inboxId)).at(-1)!.uid;
      await server.store.storeFlags(inboxId, [uid], 'add', ['\\Deleted']);
      await server.store.expunge(inboxId, [uid]);
    }
  });

  it('autologout before login', async () => {
    const own = await ownService({ idleTimeoutUnauthenticatedMs: 200 });
    try {
      const c = await Pop3Client.connect({ port: own.port });
      await c.closed;
    } finally {
      await own.close();
    }
  });
});

describe('POP3 and server stop', () => {
  it('stop() closes POP3 connections', async () => {
    const server = await startTestServer();
    try {
      const c = await Pop3Client.connect({ port: server.pop3Port });
      assert.match(await c.cmd('CAPA'), /^\+OK/);
      await c.multiline();
      await server.stop();
      await c.closed;
    } finally {
      await server.stop();
    }
  });
});
