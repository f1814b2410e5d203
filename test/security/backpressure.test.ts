// A client that pipelines FETCHes of a big message and never reads costs bounded memory: the
// server's userland buffer for its socket stays under limits.maxOutputBufferBytes plus one chunk
// (DESIGN.md rule 3). Measured on the server's own socket (writableLength), not by RSS.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect, createServer, type Socket } from 'node:net';
import { once } from 'node:events';
import { defaultLimits } from '../../src/imap/limits.js';
import { startSecurityServer } from './harness.js';

const MESSAGE_BYTES = 20 * 1024 * 1024;
const FETCHES = 10;
/** One read of a message file (fs streams read 64 KiB at a time) plus the response line around it. */
const CHUNK = 64 * 1024 + 1024;

test('a client that stops reading while FETCHing 10 x 20 MB keeps the server buffer bounded', { timeout: 120_000 }, async () => {
  const s = await startSecurityServer();
  const serverSockets: Socket[] = [];
  const listener = createServer((sock) => {
    serverSockets.push(sock);
    s.imap.handle(sock, { implicitTls: false });
  });
  try {
    const alice = await s.addUser('alice');
    const line = 'x'.repeat(998) + '\r\n';
    const body = line.repeat(Math.ceil(MESSAGE_BYTES / line.length));
    await s.seed(alice, 'INBOX', Buffer.from(`Subject: big\r\n\r\n${body}`));
    await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
    const port = (listener.address() as { port: number }).port;
    const client = connect({ host: '127.0.0.1', port });
    await once(client, 'connect');
    let received = 0;
    let text = '';
    const onData = (d: Buffer): void => {
      received += d.length;
      if (text.length < 4096) text += d.toString('latin1');
    };
    client.on('data', onData);
    client.write('a LOGIN alice secret\r\nb SELECT INBOX\r\n');
    while (!/\r\nb OK/.test(text)) await once(client, 'data');
    // Now pipeline the FETCHes and stop reading.
    client.pause();
    client.removeListener('data', onData);
    let commands = '';
    for (let i = 0; i < FETCHES; i++) commands += `f${i} FETCH 1 BODY.PEEK[]\r\n`;
    client.write(commands);
    const server = serverSockets[0];
    assert.ok(server);
    let maxQueued = 0;
    let stable = 0;
    let lastWritten = -1;
    // Sample until the server has stopped producing (kernel buffers full, writer waiting for drain).
    for (let i = 0; i < 2000 && stable < 20; i++) {
      maxQueued = Math.max(maxQueued, server.writableLength);
      stable = server.bytesWritten === lastWritten ? stable + 1 : 0;
      lastWritten = server.bytesWritten;
      await new Promise((r) => setTimeout(r, 10));
    }
    assert.ok(stable >= 20, 'the server stopped writing to a client that does not read');
    assert.ok(server.bytesWritten < MESSAGE_BYTES * FETCHES, 'not everything went out: the client really stopped reading');
    assert.ok(
      maxQueued <= defaultLimits.maxOutputBufferBytes + CHUNK,
      `server buffered ${maxQueued} bytes for the socket (limit ${defaultLimits.maxOutputBufferBytes} + ${CHUNK})`,
    );
    // Reading again, the client gets every answer.
    let tail = '';
    let total = received;
    client.on('data', (d: Buffer) => {
      total += d.length;
      tail = (tail + d.toString('latin1')).slice(-200);
    });
    client.resume();
    while (!new RegExp(`f${FETCHES - 1} OK`).test(tail)) await once(client, 'data');
    assert.ok(total > MESSAGE_BYTES * FETCHES);
    client.destroy();
  } finally {
    await new Promise<void>((resolve) => listener.close(() => resolve()));
    await s.stop();
  }
});
