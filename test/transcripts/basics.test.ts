// Connection-level behaviour: CAPABILITY, implicit TLS, STARTTLS, LOGINDISABLED/PRIVACYREQUIRED,
// limits (line too long, literal too big, TOOBIG), failed-login limit, non-IMAP peers.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ImapClient, quote } from '../helpers/imap-client.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

const USER = 'basic';
const PASS = 'basic secret';

const REQUIRED = [
  'IMAP4REV1',
  'IMAP4REV2',
  'LITERAL+',
  'SASL-IR',
  'ENABLE',
  'IDLE',
  'NAMESPACE',
  'UIDPLUS',
  'MOVE',
  'UNSELECT',
  'CHILDREN',
  'ID',
  'SPECIAL-USE',
  'LIST-EXTENDED',
  'ESEARCH',
  'STATUS=SIZE',
  'BINARY',
];

function capabilities(lines: readonly string[]): Set<string> {
  const line = lines.find((l) => /^\* CAPABILITY /i.test(l));
  assert.ok(line, `no * CAPABILITY line in: ${lines.join(' | ')}`);
  return new Set(line.slice('* CAPABILITY '.length).trim().toUpperCase().split(/\s+/));
}

function missing(caps: Set<string>, names: readonly string[]): string[] {
  return names.filter((n) => !caps.has(n));
}

describe('connection basics (plaintext_auth = loopback)', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
    await server.addUser(USER, PASS);
  });
  after(async () => {
    await server?.stop();
  });

  it('greets with * OK and advertises the required capabilities before and after login', async () => {
    const c = await ImapClient.connect({ port: server.port });
    try {
      assert.match(c.greeting, /^\* OK /);
      const pre = capabilities((await c.ok('CAPABILITY')).lines);
      assert.deepEqual(missing(pre, [...REQUIRED, 'STARTTLS', 'AUTH=PLAIN']), [], 'capabilities missing before login');
      assert.ok(!pre.has('LOGINDISABLED'), 'loopback plaintext is allowed: no LOGINDISABLED');
      await c.login(USER, PASS);
      const post = capabilities((await c.ok('CAPABILITY')).lines);
      // SASL-IR and AUTH= only matter before authentication; the rest must stay
      assert.deepEqual(missing(post, REQUIRED.filter((c) => c !== 'SASL-IR')), [], 'capabilities missing after login');
      const bad = await c.cmd('CAPABILITY IMAP4rev2');
      assert.equal(bad.status, 'BAD');
    } finally {
      await c.close();
    }
  });

  it('implicit TLS port: no STARTTLS offered, LOGIN works', async () => {
    const c = await ImapClient.connect({ port: server.tlsPort, tls: true });
    try {
      assert.ok(c.encrypted);
      assert.match(c.greeting, /^\* OK /);
      const caps = capabilities((await c.ok('CAPABILITY')).lines);
      assert.ok(!caps.has('STARTTLS'), 'STARTTLS must not be offered on a TLS connection');
      assert.deepEqual(missing(caps, REQUIRED), []);
      await c.login(USER, PASS);
      await c.ok('SELECT INBOX');
      const st = await c.cmd('STARTTLS');
      assert.ok(['BAD', 'NO'].includes(st.status), `STARTTLS on TLS: ${st.tagged}`);
    } finally {
      await c.close();
    }
  });

  it('STARTTLS then LOGIN; STARTTLS is refused after login and with arguments', async () => {
    const c = await ImapClient.connect({ port: server.port });
    try {
      const withArg = await c.cmd('STARTTLS now');
      assert.equal(withArg.status, 'BAD');
      const r = await c.startTls();
      assert.equal(r.status, 'OK', r.tagged);
      assert.ok(c.encrypted);
      const caps = capabilities((await c.ok('CAPABILITY')).lines);
      assert.ok(!caps.has('STARTTLS'));
      const again = await c.cmd('STARTTLS');
      assert.ok(['BAD', 'NO'].includes(again.status), `second STARTTLS: ${again.tagged}`);
      await c.login(USER, PASS);
      await c.ok('NOOP');
    } finally {
      await c.close();
    }
    const d = await ImapClient.connect({ port: server.port });
    try {
      await d.login(USER, PASS);
      const late = await d.cmd('STARTTLS');
      assert.ok(['BAD', 'NO'].includes(late.status), `STARTTLS after login: ${late.tagged}`);
    } finally {
      await d.close();
    }
  });

  it('a line longer than the limit gets BAD (or BYE), never a crash', async () => {
    const c = await ImapClient.connect({ port: server.port });
    try {
      await c.login(USER, PASS);
      c.sendLine(`long NOOP ${'x'.repeat(70_000)}`);
      const { match } = await c.waitFor((r) => / BAD |^\* BYE /i.test(r.text) || /^long /.test(r.text));
      assert.match(match.text, /^(long BAD|\* BAD|\* BYE)/, `line too long: ${match.text}`);
      if (!/BYE/.test(match.text)) {
        // the connection stays usable after the BAD
        await c.ok('NOOP');
      }
    } finally {
      await c.close();
    }
    // and the server still serves others
    const d = await ImapClient.connect({ port: server.port });
    await d.login(USER, PASS);
    await d.close();
  });

  it('a literal larger than allowed is refused before the client sends it', async () => {
    const c = await ImapClient.connect({ port: server.port });
    try {
      const r = await c.cmd(['LOGIN ', quote(USER), ' ', { literal: Buffer.alloc(200_000, 0x61) }]);
      assert.ok(['BAD', 'NO'].includes(r.status), `oversized LOGIN literal: ${r.tagged}`);
      assert.equal(r.continuations.length, 0, 'no "+" may be sent for a literal that will be refused');
    } finally {
      c.destroy();
    }
  });

  it('APPEND of a message above the size limit: NO [TOOBIG] instead of "+"', async () => {
    const c = await ImapClient.connect({ port: server.port });
    try {
      await c.login(USER, PASS);
      const tag = 'big1';
      c.sendLine(`${tag} APPEND INBOX {60000000}`);
      const r = await c.readTagged(tag);
      assert.equal(r.continuations.length, 0, 'no "+" for a refused APPEND');
      assert.match(r.tagged, /^big1 NO \[TOOBIG\]/);
      await c.ok('NOOP');
    } finally {
      await c.close();
    }
  });

  it('three failed logins close the connection', async () => {
    const c = await ImapClient.connect({ port: server.port });
    try {
      for (let i = 0; i < 3; i++) {
        c.sendLine(`f${i} LOGIN ${USER} wrong${i}`);
      }
      const timeout = new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 8000).unref());
      const res = await Promise.race([c.closed.then(() => 'closed' as const), timeout]);
      assert.equal(res, 'closed', `connection still open after 3 failed logins:\n${c.transcript()}`);
      const texts = c.drain().map((r) => r.text);
      assert.ok(texts.some((t) => /^f0 NO/.test(t)), texts.join(' | '));
    } finally {
      c.destroy();
    }
  });

  it('a peer that is not speaking IMAP gets * BYE', async () => {
    const c = await ImapClient.connect({ port: server.port });
    try {
      c.sendLine('GET / HTTP/1.1');
      c.sendLine('Host: localhost');
      c.sendLine('');
      const { match } = await c.waitFor((r) => /^\* BYE/.test(r.text) || /^GET /.test(r.text));
      assert.match(match.text, /^\* BYE/);
    } finally {
      c.destroy();
    }
  });
});

describe('plaintext_auth = never', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ plaintextAuth: 'never', limits: { max_message_bytes: 4096 } });
    await server.addUser(USER, PASS);
  });
  after(async () => {
    await server?.stop();
  });

  it('plain connection: LOGINDISABLED, LOGIN and AUTHENTICATE PLAIN refused with [PRIVACYREQUIRED]', async () => {
    const c = await ImapClient.connect({ port: server.port });
    try {
      const caps = capabilities((await c.ok('CAPABILITY')).lines);
      assert.ok(caps.has('LOGINDISABLED'), `LOGINDISABLED missing: ${[...caps].join(' ')}`);
      assert.ok(caps.has('STARTTLS'));
      assert.ok(!caps.has('AUTH=PLAIN'), 'AUTH=PLAIN must not be offered where it would be refused');
      const login = await c.cmd(`LOGIN ${quote(USER)} ${quote(PASS)}`);
      assert.match(login.tagged, /^\S+ NO \[PRIVACYREQUIRED\]/);
      const auth = await c.cmd(`AUTHENTICATE PLAIN ${Buffer.from(`\0${USER}\0${PASS}`).toString('base64')}`);
      assert.match(auth.tagged, /^\S+ NO( \[PRIVACYREQUIRED\])?/);
    } finally {
      c.destroy();
    }
  });

  it('after STARTTLS: LOGINDISABLED gone, LOGIN works', async () => {
    const c = await ImapClient.connect({ port: server.port });
    try {
      const r = await c.startTls();
      assert.equal(r.status, 'OK', r.tagged);
      const caps = capabilities((await c.ok('CAPABILITY')).lines);
      assert.ok(!caps.has('LOGINDISABLED'));
      assert.ok(caps.has('AUTH=PLAIN'));
      await c.login(USER, PASS);
      await c.ok('SELECT INBOX');
    } finally {
      await c.close();
    }
  });

  it('implicit TLS: AUTHENTICATE PLAIN with SASL-IR works', async () => {
    const c = await ImapClient.connect({ port: server.tlsPort, tls: true });
    try {
      await c.ok(`AUTHENTICATE PLAIN ${Buffer.from(`\0${USER}\0${PASS}`).toString('base64')}`);
      await c.ok('LIST "" INBOX');
    } finally {
      await c.close();
    }
  });

  it('LITERAL+ APPEND above the limit: NO [TOOBIG] (or BYE), never stored', async () => {
    const c = await ImapClient.connect({ port: server.tlsPort, tls: true });
    try {
      await c.login(USER, PASS);
      const big = Buffer.from(`Subject: big\r\n\r\n${'y'.repeat(6000)}\r\n`);
      const r = await c.cmd(['APPEND INBOX ', { literal: big, nonSync: true }]).catch((e: Error) => ({ status: 'CLOSED', tagged: e.message }));
      if (r.status !== 'CLOSED') assert.match(r.tagged, /^\S+ NO \[TOOBIG\]/);
      const d = await ImapClient.connect({ port: server.tlsPort, tls: true });
      try {
        await d.login(USER, PASS);
        const st = await d.ok('STATUS INBOX (MESSAGES)');
        assert.match(st.lines.join('\n'), /MESSAGES 0/);
        // a small one still fits
        await d.ok(['APPEND INBOX ', { literal: 'Subject: small\r\n\r\nok\r\n', nonSync: true }]);
      } finally {
        await d.close();
      }
    } finally {
      await c.close();
    }
  });
});
