// Session basics against a live in-process server: greeting, CAPABILITY, LOGIN, AUTHENTICATE,
// LOGINDISABLED/PRIVACYREQUIRED, state checks, non-IMAP peers, ENABLE, ID, NAMESPACE.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ImapClient } from '../../helpers/imap-client.js';
import { startTestImap, type TestImap } from './harness.js';

let srv: TestImap;
before(async () => {
  srv = await startTestImap();
  await srv.addUser('alice', 'secret');
});
after(async () => {
  await srv.stop();
  assert.deepEqual(srv.errors, [], 'no server errors were logged');
});

const connect = (name = 'C'): Promise<ImapClient> => ImapClient.connect({ port: srv.port, name });
const b64 = (s: string): string => Buffer.from(s).toString('base64');

test('greeting carries CAPABILITY; CAPABILITY lists what the modules provide', async () => {
  const c = await connect();
  try {
    assert.match(c.greeting, /^\* OK \[CAPABILITY IMAP4rev1 IMAP4rev2 .*\] Postkeep ready\.$/);
    const r = await c.ok('CAPABILITY');
    const caps = (r.lines[0] ?? '').split(' ').slice(2);
    for (const cap of ['IMAP4rev2', 'LITERAL+', 'SASL-IR', 'ENABLE', 'IDLE', 'NAMESPACE', 'UIDPLUS', 'MOVE', 'UNSELECT', 'CHILDREN', 'ID', 'SPECIAL-USE', 'LIST-EXTENDED', 'LIST-STATUS', 'ESEARCH', 'STATUS=SIZE', 'BINARY', 'AUTH=PLAIN', 'AUTH=LOGIN', 'STARTTLS']) {
      assert.ok(caps.includes(cap), `${cap} in ${caps.join(' ')}`);
    }
    assert.ok(!caps.includes('LOGINDISABLED'), 'loopback may log in in plaintext');
  } finally {
    await c.close();
  }
});

test('LOGIN: wrong password and unknown user get the same NO; good credentials get CAPABILITY in the OK', async () => {
  const c = await connect();
  try {
    const bad = await c.cmd('LOGIN alice wrong');
    assert.equal(bad.tagged.replace(/^\S+ /, ''), 'NO [AUTHENTICATIONFAILED] Invalid credentials');
    const unknown = await c.cmd('LOGIN nobody secret');
    assert.equal(unknown.tagged.replace(/^\S+ /, ''), 'NO [AUTHENTICATIONFAILED] Invalid credentials');
    const ok = await c.cmd('LOGIN alice secret');
    assert.match(ok.tagged, /^\S+ OK \[CAPABILITY IMAP4rev1 .*\] Logged in$/);
    assert.ok(!ok.tagged.includes('AUTH='), 'no AUTH= after login');
    const again = await c.cmd('LOGIN alice secret');
    assert.match(again.tagged, /BAD LOGIN is not valid in the authenticated state/);
  } finally {
    await c.close();
  }
});

test('too many failed logins end the connection with BYE', async () => {
  const c = await connect();
  try {
    for (let i = 0; i < 2; i++) assert.equal((await c.cmd('LOGIN alice nope')).status, 'NO');
    const tag = c.nextTag();
    c.sendLine(`${tag} LOGIN alice nope`);
    const r = await c.readTagged(tag);
    assert.equal(r.status, 'NO');
    const bye = await c.next();
    assert.match(bye.text, /^\* BYE /);
    await c.closed;
  } finally {
    c.destroy();
  }
});

test('AUTHENTICATE PLAIN with SASL-IR, PLAIN with a continuation, LOGIN, and cancel', async () => {
  const c1 = await connect();
  try {
    const r = await c1.cmd(`AUTHENTICATE PLAIN ${b64('\0alice\0secret')}`);
    assert.equal(r.status, 'OK', r.tagged);
  } finally {
    await c1.close();
  }
  const c2 = await connect();
  try {
    const tag = c2.nextTag();
    c2.sendLine(`${tag} AUTHENTICATE PLAIN`);
    assert.equal((await c2.next()).text, '+ ');
    c2.sendLine('*');
    assert.match((await c2.readTagged(tag)).tagged, /BAD Authentication cancelled/);
    const tag2 = c2.nextTag();
    c2.sendLine(`${tag2} AUTHENTICATE LOGIN`);
    assert.equal((await c2.next()).text, `+ ${b64('Username:')}`);
    c2.sendLine(b64('alice'));
    assert.equal((await c2.next()).text, `+ ${b64('Password:')}`);
    c2.sendLine(b64('secret'));
    assert.equal((await c2.readTagged(tag2)).status, 'OK');
  } finally {
    await c2.close();
  }
  const c3 = await connect();
  try {
    const r = await c3.cmd('AUTHENTICATE PLAIN !!!notbase64');
    assert.equal(r.status, 'BAD');
    assert.equal((await c3.cmd('AUTHENTICATE CRAM-MD5')).status, 'NO');
  } finally {
    await c3.close();
  }
});

test('plaintextAuth "never": LOGINDISABLED, no AUTH=PLAIN (SCRAM stays), LOGIN gets PRIVACYREQUIRED', async () => {
  const strict = await startTestImap({ plaintextAuth: 'never' });
  try {
    await strict.addUser('bob', 'secret');
    const c = await ImapClient.connect({ port: strict.port });
    try {
      assert.match(c.greeting, /LOGINDISABLED/);
      assert.doesNotMatch(c.greeting, /AUTH=PLAIN/);
      assert.match(c.greeting, /STARTTLS/);
      const r = await c.cmd('LOGIN bob secret');
      assert.match(r.tagged, /NO \[PRIVACYREQUIRED\]/);
      const a = await c.cmd(`AUTHENTICATE PLAIN ${b64('\0bob\0secret')}`);
      assert.match(a.tagged, /NO \[PRIVACYREQUIRED\]/);
      // After STARTTLS the password may be sent.
      await c.startTls();
      const caps = await c.ok('CAPABILITY');
      assert.doesNotMatch(caps.lines[0] ?? '', /LOGINDISABLED|STARTTLS/);
      assert.match(caps.lines[0] ?? '', /AUTH=PLAIN/);
      await c.login('bob', 'secret');
    } finally {
      await c.close();
    }
  } finally {
    await strict.stop();
  }
});

test('commands in the wrong state get BAD; an HTTP request gets BYE', async () => {
  const c = await connect();
  try {
    assert.match((await c.cmd('LIST "" "*"')).tagged, /BAD LIST is not valid in the not authenticated state/);
    assert.match((await c.cmd('FETCH 1 FLAGS')).tagged, /BAD FETCH is not valid in the not authenticated state/);
    assert.equal((await c.cmd('FOO')).status, 'BAD');
  } finally {
    await c.close();
  }
  const h = await connect();
  try {
    h.sendLine('GET / HTTP/1.1');
    assert.match((await h.next()).text, /^\* BYE /);
    await h.closed;
  } finally {
    h.destroy();
  }
});

test('ENABLE IMAP4rev2, ID, NAMESPACE, LOGOUT', async () => {
  const c = await connect();
  try {
    await c.login('alice', 'secret');
    // CONDSTORE can be enabled since RFC 7162 support (issue #4); unknown names are ignored (RFC 5161 §3.1).
    assert.deepEqual((await c.ok('ENABLE IMAP4rev2 CONDSTORE X-UNKNOWN')).lines, ['* ENABLED IMAP4rev2 CONDSTORE']);
    assert.deepEqual((await c.ok('ENABLE IMAP4rev2')).lines, ['* ENABLED']);
    assert.deepEqual((await c.ok('ID ("name" "test")')).lines, ['* ID ("name" "Postkeep" "version" "0.1.0")']);
    assert.deepEqual((await c.ok('NAMESPACE')).lines, ['* NAMESPACE (("" "/")) NIL NIL']);
    const bye = await c.ok('LOGOUT');
    assert.match(bye.lines[0] ?? '', /^\* BYE/);
    await c.closed;
  } finally {
    c.destroy();
  }
});
