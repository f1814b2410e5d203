// POP3 transcripts against a live server: every command with success and error answers, states,
// AUTH PLAIN/LOGIN, STLS, implicit TLS, byte-stuffing, TOP, UIDL, DELE/RSET/QUIT (RFC 1939, 2449, 2595, 5034).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { Pop3Client } from './client.js';
import { pop3Transcript } from './transcript.js';

const USER = 'popuser';
const PASS = 'pop secret';
const M1 = 'Subject: one\r\n\r\nHello\r\n.dot line\r\n';
// Stored with bare LF: sent with CRLF, so 4 octets more than stored.
const M2 = 'Subject: two\n\nline1\nline2\n';
const M3 = 'Subject: three\r\nX: y\r\n\r\nb1\r\nb2\r\nb3\r\n';
const b64 = (s: string): string => Buffer.from(s).toString('base64');

describe('POP3 session', () => {
  let server: TestServer;
  let vars: Record<string, string>;
  let inboxId: number;
  before(async () => {
    server = await startTestServer();
    const account = await server.addUser(USER, PASS);
    await server.addUser('other', 'other-pass');
    const u1 = await server.seed(USER, 'INBOX', M1);
    const u2 = await server.seed(USER, 'INBOX', M2);
    const u3 = await server.seed(USER, 'INBOX', M3);
    const inbox = await server.store.getMailbox(account.id, 'INBOX');
    assert.ok(inbox);
    inboxId = inbox.id;
    vars = {
      USER,
      PASS,
      PLAIN: b64(`\0${USER}\0${PASS}`),
      S1: String(M1.length),
      S2: String(M2.length + 4),
      S3: String(M3.length),
      TOTAL: String(M1.length + M2.length + 4 + M3.length),
      U1: `${inbox.uidValidity}.${u1}`,
      U2: `${inbox.uidValidity}.${u2}`,
      U3: `${inbox.uidValidity}.${u3}`,
    };
  });
  after(async () => {
    await server?.stop();
  });
  const run = (script: string): Promise<void> => pop3Transcript({ port: server.pop3Port, tlsPort: server.pop3TlsPort, vars }, script);

  it('CAPA on a plain loopback connection', () =>
    run(`
      @session a
      C: CAPA
      S: +OK Capability list follows
      S: TOP
      S: UIDL
      S: RESP-CODES
      S: AUTH-RESP-CODE
      S: PIPELINING
      S: USER
      S: SASL PLAIN LOGIN SCRAM-SHA-256
      S: STLS
      S: EXPIRE NEVER
      S: IMPLEMENTATION Postkeep
      S: .
      C: QUIT
      S: +OK Postkeep POP3 server signing off
      @closed
    `));

  it('USER/PASS, STAT, LIST, UIDL, TOP, RETR, NOOP, RSET, QUIT without deletions', () =>
    run(`
      @session a
      C: USER \${USER}
      S: +OK ...
      C: PASS \${PASS}
      S: +OK Logged in, 3 messages (\${TOTAL} octets)
      C: STAT
      S: +OK 3 \${TOTAL}
      C: LIST
      S: +OK 3 messages (\${TOTAL} octets)
      S: 1 \${S1}
      S: 2 \${S2}
      S: 3 \${S3}
      S: .
      C: LIST 2
      S: +OK 2 \${S2}
      C: LIST 4
      S: -ERR No such message, only 3 messages in maildrop
      C: LIST x
      S: -ERR Invalid message number "x"
      C: LIST 1 2
      S: -ERR LIST takes at most one argument
      C: UIDL
      S: +OK Unique-id listing follows
      S: 1 \${U1}
      S: 2 \${U2}
      S: 3 \${U3}
      S: .
      C: UIDL 3
      S: +OK 3 \${U3}
      C: UIDL 0
      S: -ERR No such message, only 3 messages in maildrop
      C: RETR 1
      S: +OK \${S1} octets
      S: Subject: one
      S:
      S: Hello
      S: ..dot line
      S: .
      C: RETR 2
      S: +OK \${S2} octets
      S: Subject: two
      S:
      S: line1
      S: line2
      S: .
      C: RETR
      S: -ERR RETR takes one message number
      C: RETR 9
      S: -ERR No such message, only 3 messages in maildrop
      C: TOP 3 1
      S: +OK Top of message follows
      S: Subject: three
      S: X: y
      S:
      S: b1
      S: .
      C: TOP 3 0
      S: +OK Top of message follows
      S: Subject: three
      S: X: y
      S:
      S: .
      C: TOP 3
      S: -ERR TOP takes a message number and a number of lines
      C: TOP 3 -1
      S: -ERR Invalid number of lines "-1"
      C: NOOP
      S: +OK
      C: NOOP 1
      S: -ERR NOOP takes no argument
      C: DELE 1
      S: +OK Message 1 deleted
      C: DELE 1
      S: -ERR Message 1 already deleted
      C: RETR 1
      S: -ERR Message 1 already deleted
      C: STAT
      S: +OK 2 ...
      C: LIST
      S: +OK 2 messages (...)
      S: 2 \${S2}
      S: 3 \${S3}
      S: .
      C: RSET
      S: +OK Maildrop has 3 messages (\${TOTAL} octets)
      C: STAT
      S: +OK 3 \${TOTAL}
      C: QUIT
      S: +OK Postkeep POP3 server signing off (0 deleted, 3 left)
      @closed
    `));

  it('answers commands in the wrong state, unknown commands and bad logins with -ERR', () =>
    run(`
      @session a
      C: STAT
      S: -ERR STAT is not valid in the AUTHORIZATION state
      C: RETR 1
      S: -ERR RETR is not valid in the AUTHORIZATION state
      C: NOOP
      S: -ERR NOOP is not valid in the AUTHORIZATION state
      C: PASS x
      S: -ERR Send USER first
      C: FROB
      S: -ERR Unknown command "FROB"
      C: USER
      S: -ERR USER needs a user name
      C: USER nobody
      S: +OK Send the password with PASS
      C: PASS wrong
      S: -ERR [AUTH] Invalid credentials
      C: USER \${USER}
      S: +OK ...
      C: PASS wrong
      S: -ERR [AUTH] Invalid credentials
      C: user \${USER}
      S: +OK ...
      C: pass \${PASS}
      S: +OK Logged in...
      C: USER \${USER}
      S: -ERR USER is not valid in the TRANSACTION state
      C: STLS
      S: -ERR STLS is not valid in the TRANSACTION state
      C: AUTH PLAIN
      S: -ERR AUTH is not valid in the TRANSACTION state
      C: CAPA
      S: +OK Capability list follows
      S/: (?!STLS)[A-Z].*
      S/: (?!STLS)[A-Z].*
      S/: (?!STLS)[A-Z].*
      S/: (?!STLS)[A-Z].*
      S/: (?!STLS)[A-Z].*
      S/: (?!STLS)[A-Z].*
      S/: (?!STLS)[A-Z].*
      S: STLS
      S/: (?!STLS)[A-Z].*
      S/: (?!STLS)[A-Z].*
      S: .
      C: QUIT
      S: +OK ...
      @closed
    `));

  it('closes after max_auth_failures failed logins', () =>
    run(`
      @session a
      C: USER \${USER}
      S: +OK ...
      C: PASS bad1
      S: -ERR [AUTH] Invalid credentials
      C: AUTH PLAIN ${b64(`\0${USER}\0bad2`)}
      S: -ERR [AUTH] Invalid credentials
      C: USER \${USER}
      S: +OK ...
      C: PASS bad3
      S: -ERR [AUTH] Invalid credentials; too many failures, closing the connection
      @closed
    `));

  it('AUTH PLAIN with an initial response, via continuation, AUTH LOGIN, listing and failures', () =>
    run(`
      @session a
      C: AUTH
      S: +OK Mechanisms follow
      S: PLAIN
      S: LOGIN
      S: SCRAM-SHA-256
      S: .
      C: AUTH CRAM-MD5
      S: -ERR Unsupported authentication mechanism CRAM-MD5
      C: AUTH PLAIN
      S/: \\+\\s
      C: *
      S: -ERR Authentication cancelled
      C: AUTH PLAIN !!!
      S: -ERR Invalid base64 in the authentication response
      C: AUTH PLAIN ${b64('no-nul')}
      S: -ERR [AUTH] Malformed PLAIN response
      C: AUTH PLAIN \${PLAIN}
      S: +OK Logged in, 3 messages (\${TOTAL} octets)
      C: QUIT
      S: +OK ...
      @closed
      @session b
      C: AUTH PLAIN
      S/: \\+\\s
      C: \${PLAIN}
      S: +OK Logged in, 3 messages (\${TOTAL} octets)
      C: QUIT
      S: +OK ...
      @session c
      C: AUTH LOGIN
      S: + ${b64('Username:')}
      C: ${b64(USER)}
      S: + ${b64('Password:')}
      C: ${b64(PASS)}
      S: +OK Logged in...
      C: QUIT
      S: +OK ...
      @session d
      C: AUTH PLAIN ${b64(`other\0${USER}\0${PASS}`)}
      S: -ERR [AUTH] Invalid credentials
      C: AUTH LOGIN ${b64(USER)}
      S: + ${b64('Password:')}
      C: ${b64(PASS)}
      S: +OK Logged in...
    `));

  it('pipelined commands are answered in order', async () => {
    const c = await Pop3Client.connect({ port: server.pop3Port });
    try {
      c.sendRaw(`USER ${USER}\r\nPASS ${PASS}\r\nSTAT\r\nUIDL 1\r\nLIST 3\r\nNOOP\r\n`);
      const lines = [await c.line(), await c.line(), await c.line(), await c.line(), await c.line(), await c.line()];
      assert.deepEqual(lines.slice(2), [`+OK 3 ${vars['TOTAL']}`, `+OK 1 ${vars['U1']}`, `+OK 3 ${vars['S3']}`, '+OK']);
      assert.match(await c.quit(), /^\+OK/);
    } finally {
      c.close();
    }
  });

  it('answers an overlong line with -ERR and carries on', async () => {
    const c = await Pop3Client.connect({ port: server.pop3Port });
    try {
      c.send(`NOOP ${'x'.repeat(70 * 1024)}`);
      assert.match(await c.line(), /^-ERR Line too long \(the limit is 65536 octets\)$/);
      assert.match(await c.cmd('CAPA'), /^\+OK/);
      await c.multiline();
    } finally {
      c.close();
    }
  });

  it('RETR marks \\Seen, TOP does not; DELE without QUIT keeps the mail', async () => {
    const flagsOf = async (i: number): Promise<readonly string[]> => ((await server.store.listMessages(inboxId))[i]?.flags ?? []);
    const c = await Pop3Client.connect({ port: server.pop3Port });
    await c.login(USER, PASS);
    await c.multi('TOP 3 1');
    assert.deepEqual(await flagsOf(2), []);
    await c.multi('RETR 3');
    assert.deepEqual(await flagsOf(2), ['\\Seen']);
    assert.equal(await c.cmd('DELE 1'), '+OK Message 1 deleted');
    assert.equal(await c.cmd('DELE 2'), '+OK Message 2 deleted');
    c.close(); // no QUIT: RFC 1939 §6, no UPDATE
    await c.closed;
    // The server sees the close; a new session still finds all three.
    const d = await Pop3Client.connect({ port: server.pop3Port });
    await d.login(USER, PASS);
    assert.equal(await d.cmd('STAT'), `+OK 3 ${vars['TOTAL']}`);
    await d.quit();
    assert.equal((await server.store.listMessages(inboxId)).length, 3);
  });

  it('implicit TLS: no STLS offered, login works', () =>
    run(`
      @session t tls
      C: STLS
      S: -ERR TLS is already active
      C: CAPA
      S: +OK Capability list follows
      S: TOP
      S: UIDL
      S: RESP-CODES
      S: AUTH-RESP-CODE
      S: PIPELINING
      S: USER
      S: SASL PLAIN LOGIN SCRAM-SHA-256
      S: EXPIRE NEVER
      S: IMPLEMENTATION Postkeep
      S: .
      C: AUTH PLAIN \${PLAIN}
      S: +OK Logged in...
      C: UIDL 1
      S: +OK 1 \${U1}
      C: QUIT
      S: +OK ...
      @closed
    `));
});

describe('POP3 with plaintext_auth = "never"', () => {
  let server: TestServer;
  let vars: Record<string, string>;
  before(async () => {
    server = await startTestServer({ pop3PlaintextAuth: 'never' });
    await server.addUser(USER, PASS);
    await server.seed(USER, 'INBOX', M1);
    vars = { USER, PASS, PLAIN: b64(`\0${USER}\0${PASS}`) };
  });
  after(async () => {
    await server?.stop();
  });
  const run = (script: string): Promise<void> => pop3Transcript({ port: server.pop3Port, tlsPort: server.pop3TlsPort, vars }, script);

  it('refuses passwords before STLS with [AUTH], then STLS, CAPA again and AUTH PLAIN', () =>
    run(`
      @session a
      C: CAPA
      S: +OK Capability list follows
      S: TOP
      S: UIDL
      S: RESP-CODES
      S: AUTH-RESP-CODE
      S: PIPELINING
      S: SASL SCRAM-SHA-256
      S: STLS
      S: EXPIRE NEVER
      S: IMPLEMENTATION Postkeep
      S: .
      C: USER \${USER}
      S: -ERR [AUTH] Plaintext authentication is not allowed on an unencrypted connection; use STLS first
      C: PASS \${PASS}
      S: -ERR [AUTH] Plaintext authentication is not allowed on an unencrypted connection; use STLS first
      C: AUTH PLAIN \${PLAIN}
      S: -ERR [AUTH] Plaintext authentication is not allowed on an unencrypted connection; use STLS first
      C: AUTH
      S: +OK Mechanisms follow
      S: SCRAM-SHA-256
      S: .
      C: STLS
      S: +OK Begin TLS negotiation now
      @starttls
      C: STLS
      S: -ERR TLS is already active
      C: CAPA
      S: +OK Capability list follows
      S: TOP
      S: UIDL
      S: RESP-CODES
      S: AUTH-RESP-CODE
      S: PIPELINING
      S: USER
      S: SASL PLAIN LOGIN SCRAM-SHA-256
      S: EXPIRE NEVER
      S: IMPLEMENTATION Postkeep
      S: .
      C: AUTH PLAIN \${PLAIN}
      S: +OK Logged in, 1 message (...)
      C: QUIT
      S: +OK ...
      @closed
    `));

  it('drops commands pipelined after STLS in plaintext (RFC 2595, STARTTLS injection)', async () => {
    const c = await Pop3Client.connect({ port: server.pop3Port });
    try {
      c.sendRaw('STLS\r\nUSER injected\r\n');
      assert.equal(await c.line(), '+OK Begin TLS negotiation now');
      await c.startTls();
      assert.ok(c.encrypted);
      // Had "USER injected" survived, PASS would be tried for it; instead PASS has no USER.
      assert.equal(await c.cmd('PASS x'), '-ERR Send USER first');
      await c.login(USER, PASS);
      assert.match(await c.cmd('STAT'), /^\+OK 1 /);
      await c.quit();
    } finally {
      c.close();
    }
  });

  it('implicit TLS allows USER/PASS', async () => {
    const c = await Pop3Client.connect({ port: server.pop3TlsPort, tls: true });
    try {
      assert.match(await c.login(USER, PASS), /^\+OK Logged in, 1 message/);
      await c.quit();
    } finally {
      c.close();
    }
  });
});
