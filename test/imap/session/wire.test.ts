// Connection-level behaviour: STARTTLS drops pipelined plaintext, implicit TLS, literals end to
// end (synchronizing, LITERAL+, too big, before login), autologout, shutdown BYE.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect as netConnect, createServer, Socket } from 'node:net';
import { connect as tlsConnect, type TLSSocket } from 'node:tls';
import { once } from 'node:events';
import { ImapClient } from '../../helpers/imap-client.js';
import { startTestImap } from './harness.js';

/** Reads CRLF lines from a socket. */
function lineReader(socket: Socket | TLSSocket): () => Promise<string> {
  let buf = '';
  const waiting: Array<() => void> = [];
  socket.on('data', (d: Buffer) => {
    buf += d.toString('latin1');
    waiting.splice(0).forEach((w) => w());
  });
  socket.on('close', () => waiting.splice(0).forEach((w) => w()));
  return async function next(): Promise<string> {
    for (;;) {
      const i = buf.indexOf('\r\n');
      if (i >= 0) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 2);
        return line;
      }
      if (socket.destroyed) throw new Error(`closed; buffered: ${buf}`);
      await new Promise<void>((r) => waiting.push(r));
    }
  };
}

test('STARTTLS: plaintext pipelined after STARTTLS is discarded; the session continues over TLS', async () => {
  const srv = await startTestImap();
  try {
    await srv.addUser('carol', 'secret');
    const plain = netConnect({ host: '127.0.0.1', port: srv.port });
    await once(plain, 'connect');
    const readPlain = lineReader(plain);
    assert.match(await readPlain(), /STARTTLS/);
    // An injection attempt: a command sent in plaintext right after STARTTLS.
    plain.write('a STARTTLS\r\nb LOGIN carol secret\r\n');
    assert.equal(await readPlain(), 'a OK Begin TLS negotiation now');
    plain.removeAllListeners('data');
    const secure = tlsConnect({ socket: plain, rejectUnauthorized: false });
    await once(secure, 'secureConnect');
    const read = lineReader(secure);
    secure.write('c CAPABILITY\r\n');
    const caps = await read();
    assert.match(caps, /^\* CAPABILITY /);
    assert.doesNotMatch(caps, /STARTTLS/);
    assert.equal(await read(), 'c OK CAPABILITY completed', 'b was never answered');
    secure.write('d LOGIN carol secret\r\n');
    assert.match(await read(), /^d OK \[CAPABILITY/);
    secure.destroy();
  } finally {
    await srv.stop();
  }
});

test('pipelined commands that arrive together are answered in one write; a lone command at once', async () => {
  const srv = await startTestImap();
  // Counts the server's writes to its sockets (the client's socket has another local port).
  const proto = Socket.prototype as unknown as Record<'_write' | '_writev', (...args: unknown[]) => void>;
  const original = { _write: proto._write, _writev: proto._writev };
  let serverWrites = 0;
  for (const name of ['_write', '_writev'] as const) {
    proto[name] = function (this: Socket, ...args: unknown[]) {
      if (this.localPort === srv.port) serverWrites++;
      return original[name].apply(this, args);
    };
  }
  try {
    await srv.addUser('dora', 'secret');
    const socket = netConnect({ host: '127.0.0.1', port: srv.port });
    await once(socket, 'connect');
    const read = lineReader(socket);
    await read(); // greeting
    socket.write('l LOGIN dora secret\r\n');
    assert.match(await read(), /^l OK/);
    serverWrites = 0;
    socket.write('a NOOP\r\nb NOOP\r\nc NOOP\r\n');
    for (const tag of ['a', 'b', 'c']) assert.equal(await read(), `${tag} OK NOOP completed`);
    assert.equal(serverWrites, 1, 'three tagged answers, one write');
    socket.write('d NOOP\r\n');
    assert.equal(await read(), 'd OK NOOP completed');
    assert.equal(serverWrites, 2);
    socket.destroy();
  } finally {
    Object.assign(proto, original);
    await srv.stop();
  }
});

test('implicit TLS through ImapService.handle', async () => {
  const srv = await startTestImap();
  const tlsServer = createServer((s) => srv.service.handle(s, { implicitTls: true }));
  try {
    await new Promise<void>((r) => tlsServer.listen(0, '127.0.0.1', r));
    const addr = tlsServer.address();
    assert.ok(addr && typeof addr !== 'string');
    const c = await ImapClient.connect({ port: addr.port, tls: true });
    assert.ok(c.encrypted);
    assert.doesNotMatch(c.greeting, /STARTTLS/);
    await c.close();
  } finally {
    await srv.stop();
    await new Promise<void>((r) => tlsServer.close(() => r()));
  }
});

test('literals: synchronizing and LITERAL+ strings, too big, APPEND before login', async () => {
  const srv = await startTestImap({ limits: { maxSmallLiteralBytes: 100 } });
  try {
    await srv.addUser('dave', 'pa ss"word');
    const c = await ImapClient.connect({ port: srv.port });
    try {
      const big = await c.cmd(['LOGIN dave ', { literal: 'x'.repeat(101) }]);
      assert.match(big.tagged, /NO \[TOOBIG\]/);
      const early = await c.cmd(['APPEND INBOX ', { literal: 'Subject: x\r\n\r\nx\r\n' }]);
      assert.match(early.tagged, /BAD APPEND is not valid in the not authenticated state/);
      // Non-synchronizing too-big literal: its bytes are read and dropped, the session goes on.
      const tag = c.nextTag();
      c.write(`${tag} LOGIN dave {150+}\r\n${'y'.repeat(150)}\r\n`);
      assert.match((await c.readTagged(tag)).tagged, /NO \[TOOBIG\]/);
      const ok = await c.cmd(['LOGIN ', { literal: 'dave' }, ' ', { literal: 'pa ss"word', nonSync: true }]);
      assert.equal(ok.status, 'OK', ok.tagged);
    } finally {
      await c.close();
    }
  } finally {
    await srv.stop();
  }
});

test('autologout before login', async () => {
  const srv = await startTestImap({ limits: { idleTimeoutUnauthenticatedMs: 150 } });
  try {
    const idle = await ImapClient.connect({ port: srv.port });
    assert.equal((await idle.next(5000)).text, '* BYE Autologout; idle for too long');
    await idle.closed;
  } finally {
    await srv.stop();
  }
});

test('shutdown sends BYE to every session', async () => {
  const srv = await startTestImap();
  try {
    await srv.addUser('erin', 'secret');
    const c = await ImapClient.connect({ port: srv.port });
    await c.login('erin', 'secret');
    assert.equal(srv.service.connectionCount, 1);
    const stopping = srv.service.shutdown('Server restarting');
    assert.equal((await c.next()).text, '* BYE [UNAVAILABLE] Server restarting');
    await stopping;
    await c.closed;
    assert.equal(srv.service.connectionCount, 0);
  } finally {
    await srv.stop();
  }
});
