// COMPRESS=DEFLATE (RFC 4978) end to end: a raw client that inflates/deflates itself, over the
// plain port and inside TLS; IDLE updates and tagged replies arrive without waiting for more
// output (the server flushes after every response); errors before login, twice, unknown mechanism.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { Duplex } from 'node:stream';
import { constants, createDeflateRaw, createInflateRaw, inflateRawSync, type DeflateRaw } from 'node:zlib';
import { ImapFlow, type ImapFlowOptions } from 'imapflow';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { startCompression } from '../../src/imap/compress.js';

const USER = 'squeeze';
const PASS = 'squeeze-pw';

/** Line reader over a stream of bytes; `send` writes a line through whatever output is current. */
class LineClient {
  private buf = '';
  private waiters: Array<() => void> = [];
  private ended = false;
  private out: { write(b: Buffer): void };
  private deflate: DeflateRaw | null = null;

  constructor(private readonly socket: Socket) {
    this.out = { write: (b) => socket.write(b) };
    socket.on('data', this.onData);
    socket.on('close', this.onEnd);
  }

  private readonly onEnd = (): void => {
    this.ended = true;
    this.wake();
  };

  private readonly onData = (chunk: Buffer): void => {
    this.buf += chunk.toString('latin1');
    this.wake();
  };

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  async line(): Promise<string> {
    for (;;) {
      const i = this.buf.indexOf('\r\n');
      if (i >= 0) {
        const l = this.buf.slice(0, i);
        this.buf = this.buf.slice(i + 2);
        return l;
      }
      if (this.ended) throw new Error(`connection closed; pending: ${JSON.stringify(this.buf)}`);
      await new Promise<void>((resolve, reject) => {
        const t = setTimeout(() => reject(new Error(`no line within 5 s; pending: ${JSON.stringify(this.buf)}`)), 5000);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  send(text: string): void {
    this.out.write(Buffer.from(`${text}\r\n`, 'latin1'));
    // The client flushes too, else the server would wait for the rest of the command.
    this.deflate?.flush(constants.Z_SYNC_FLUSH);
  }

  /** Sends a command and returns every line up to and including its tagged reply. */
  async cmd(tag: string, command: string): Promise<string[]> {
    this.send(`${tag} ${command}`);
    const lines: string[] = [];
    for (;;) {
      const l = await this.line();
      lines.push(l);
      if (l.startsWith(`${tag} `)) return lines;
    }
  }

  /** RFC 4978 §3: both directions compressed from right after the tagged OK. */
  startCompression(): void {
    assert.equal(this.buf, '', 'nothing may follow the tagged OK uncompressed');
    this.socket.removeListener('data', this.onData);
    const inflate = createInflateRaw();
    const deflate = createDeflateRaw();
    this.socket.pipe(inflate);
    inflate.on('data', this.onData);
    // The text ends when the inflater has given out its last bytes, which can be after the socket
    // closed (zlib works in the thread pool): ending at the socket's 'close' lost the BYE and the
    // tagged OK of LOGOUT now and then under load.
    this.socket.removeListener('close', this.onEnd);
    inflate.on('end', this.onEnd);
    inflate.on('error', this.onEnd);
    deflate.pipe(this.socket);
    this.deflate = deflate;
    this.out = { write: (b) => deflate.write(b) };
  }

  /** Raw bytes the server sends now (to prove they are not clear text). */
  rawPeek(): Promise<Buffer> {
    return new Promise((resolve) => this.socket.once('data', (b: Buffer) => resolve(b)));
  }

  close(): void {
    this.socket.destroy();
  }
}

async function open(server: TestServer, tls: boolean): Promise<LineClient> {
  const socket = tls
    ? tlsConnect({ host: '127.0.0.1', port: server.tlsPort, rejectUnauthorized: false })
    : netConnect({ host: '127.0.0.1', port: server.port });
  await new Promise<void>((resolve, reject) => {
    socket.once(tls ? 'secureConnect' : 'connect', () => resolve());
    socket.once('error', reject);
  });
  const c = new LineClient(socket);
  assert.match(await c.line(), /^\* OK /);
  return c;
}

describe('COMPRESS=DEFLATE (RFC 4978)', () => {
  let server: TestServer;
  const clients: LineClient[] = [];
  before(async () => {
    server = await startTestServer();
    await server.addUser(USER, PASS);
  });
  after(async () => {
    for (const c of clients) c.close();
    await server?.stop();
  });

  async function loggedIn(tls: boolean): Promise<LineClient> {
    const c = await open(server, tls);
    clients.push(c);
    assert.match((await c.cmd('a', `LOGIN ${USER} ${PASS}`)).at(-1) ?? '', /^a OK/);
    return c;
  }

  it('is refused before login (advertising it then is allowed, RFC 4978 §3 example)', async () => {
    const c = await open(server, false);
    clients.push(c);
    assert.match((await c.cmd('c2', 'COMPRESS DEFLATE')).at(-1) ?? '', /^c2 BAD /);
    await c.cmd('a', `LOGIN ${USER} ${PASS}`);
    const post = await c.cmd('c3', 'CAPABILITY');
    assert.match(post[0] ?? '', / COMPRESS=DEFLATE( |$)/);
  });

  for (const tls of [false, true]) {
    it(`compresses both directions${tls ? ' inside TLS' : ''}; IDLE updates are flushed at once`, async () => {
      const c = await loggedIn(tls);
      assert.match((await c.cmd('x1', 'COMPRESS FOO')).at(-1) ?? '', /^x1 BAD /);
      const ok = await c.cmd('z', 'COMPRESS DEFLATE');
      assert.equal(ok.at(-1), 'z OK DEFLATE active');
      c.startCompression();
      const sel = await c.cmd('s', 'SELECT INBOX');
      assert.match(sel.at(-1) ?? '', /^s OK \[READ-WRITE\]/);
      const exists = Number(/\* (\d+) EXISTS/.exec(sel.join('\n'))?.[1]);
      // A second COMPRESS is refused with COMPRESSIONACTIVE, still compressed.
      assert.match((await c.cmd('z2', 'COMPRESS DEFLATE')).at(-1) ?? '', /^z2 NO \[COMPRESSIONACTIVE\]/);
      c.send('i IDLE');
      assert.match(await c.line(), /^\+ /);
      await server.seed(USER, 'INBOX', 'Subject: pushed\r\n\r\nhello\r\n');
      // Without a flush after each response this would wait forever in the compressor.
      assert.equal(await c.line(), `* ${exists + 1} EXISTS`);
      c.send('DONE');
      let l = await c.line();
      while (l.startsWith('* ')) l = await c.line(); // RECENT under IMAP4rev1
      assert.match(l, /^i OK/);
      const fetched = await c.cmd('f', `FETCH ${exists + 1} (BODY[])`);
      assert.ok(fetched.some((l) => l === 'hello'), fetched.join('\n'));
      const bye = await c.cmd('l', 'LOGOUT');
      assert.match(bye[0] ?? '', /^\* BYE/);
      assert.match(bye.at(-1) ?? '', /^l OK/);
    });
  }

  it('imapflow negotiates COMPRESS and works through it', async () => {
    const client = new ImapFlow({
      host: '127.0.0.1',
      port: server.port,
      secure: false,
      auth: { user: USER, pass: PASS },
      logger: false,
      tls: { rejectUnauthorized: false }, // it upgrades with STARTTLS: COMPRESS then runs inside TLS
      connectionTimeout: 10_000,
      greetingTimeout: 10_000,
    } as ImapFlowOptions);
    client.on('error', () => undefined);
    try {
      await client.connect();
      assert.ok((client as unknown as { _deflate?: unknown })._deflate, 'imapflow turned compression on');
      const body = `Subject: flow ${'x'.repeat(50)}\r\nFrom: a@example.org\r\n\r\n${'compressible line\r\n'.repeat(2000)}`;
      const appended = await client.append('INBOX', body, ['\\Seen']);
      assert.ok(appended && appended.uid);
      const lock = await client.getMailboxLock('INBOX');
      try {
        const msg = await client.fetchOne(String(appended.uid), { source: true, envelope: true }, { uid: true });
        assert.ok(msg && msg.source);
        assert.equal(msg.source.toString('latin1'), body);
        assert.match(msg.envelope?.subject ?? '', /^flow x+$/);
        const found = await client.search({ subject: 'flow' }, { uid: true });
        assert.ok(Array.isArray(found) && found.includes(appended.uid));
        // IDLE through the compressor: a delivery from outside is heard.
        const heard = new Promise<number>((resolve) => client.once('exists', (d: { count: number }) => resolve(d.count)));
        const idling = client.idle();
        await new Promise((r) => setImmediate(r));
        await server.seed(USER, 'INBOX', 'Subject: during idle\r\n\r\nx\r\n');
        assert.ok((await heard) >= 2);
        await client.noop(); // ends IDLE
        await idling;
      } finally {
        lock.release();
      }
      await client.logout();
    } finally {
      client.close();
    }
  });
});

describe('startCompression: the end of the output', () => {
  it('ends the socket after the last compressed bytes (the output does not destroy the compressor first)', async () => {
    const received: Buffer[] = [];
    let markEnded!: () => void;
    const ended = new Promise<void>((resolve) => (markEnded = resolve));
    const socket = new Duplex({
      read() {},
      write(chunk: Buffer, _encoding, callback) {
        received.push(chunk);
        callback();
      },
      final(callback) {
        markEnded();
        callback();
      },
    });
    const layer = startCompression(socket, (err) => assert.fail(err));
    layer.output.write(Buffer.from('* BYE Logging out\r\nl OK LOGOUT completed\r\n'));
    layer.output.end();
    // LOGOUT ends the output; the socket must end with it, not at the session's 2 s destroy timer.
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), 1000)));
    const outcome = await Promise.race([ended.then(() => 'ended' as const), late]);
    clearTimeout(timer);
    assert.equal(outcome, 'ended', 'the socket was never ended');
    // The stream is complete (final block included), and holds every response.
    assert.equal(inflateRawSync(Buffer.concat(received)).toString('latin1'), '* BYE Logging out\r\nl OK LOGOUT completed\r\n');
  });
});
