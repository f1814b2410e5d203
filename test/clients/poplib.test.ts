// Python's poplib (the standard library client) runs a full session: test/clients/poplib_session.py.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fixturePath } from '../helpers/fixtures.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

const USER = 'popper';
const PASS = 'pop-secret';
// A line that starts with "." (stuffed on the wire, un-stuffed by poplib) and bare LF line ends.
const M1 = 'Subject: first\nFrom: a@example.org\n\nhello\n.dotted\nbye\n';
const M2 = 'Subject: second\r\n\r\nsecond body\r\n';

describe('Python poplib', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
    await server.addUser(USER, PASS);
    await server.seed(USER, 'INBOX', M1);
    await server.seed(USER, 'INBOX', M2);
  });
  after(async () => {
    await server?.stop();
  });

  it('STLS, USER/PASS, STAT, LIST, UIDL, TOP, RETR, DELE, RSET, NOOP, QUIT, then POP3S', async () => {
    const script = fixturePath('..', 'clients', 'poplib_session.py');
    const child = spawn('python3', [script, '127.0.0.1', String(server.pop3Port), String(server.pop3TlsPort), USER, PASS], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const killer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    await new Promise<void>((resolve) => child.on('close', () => resolve()));
    clearTimeout(killer);
    const r = JSON.parse(stdout) as Record<string, any>;
    assert.equal(r.ok, true, `poplib failed after steps ${r.steps}: ${r.error}\n${stderr}`);

    const size1 = Buffer.byteLength(M1) + 6; // six bare LFs become CRLF
    const size2 = Buffer.byteLength(M2);
    assert.match(r.welcome, /^\+OK /);
    assert.ok(r.capa_plain.includes('STLS') && r.capa_plain.includes('USER'), String(r.capa_plain));
    assert.ok(!r.capa_tls.includes('STLS') && r.capa_tls.includes('UIDL') && r.capa_tls.includes('TOP'), String(r.capa_tls));
    assert.deepEqual(r.stat, [2, size1 + size2]);
    assert.deepEqual(r.list, [`1 ${size1}`, `2 ${size2}`]);
    assert.match(r.uidl[0], /^1 \d+\.1$/);
    assert.match(r.uidl[1], /^2 \d+\.2$/);
    assert.equal(r.uidl1, `+OK ${r.uidl[0]}`);
    assert.deepEqual(r.top, ['Subject: first', 'From: a@example.org', '']);
    assert.equal(r.retr_resp, `+OK ${size1} octets`);
    assert.deepEqual(r.retr, ['Subject: first', 'From: a@example.org', '', 'hello', '.dotted', 'bye']);
    // poplib counts the received lines with CRLF (RFC 1939 §11): the size LIST announced.
    assert.equal(r.retr_octets, size1);
    assert.equal(r.dele, '+OK Message 2 deleted');
    assert.match(r.rset, /^\+OK/);
    assert.equal(r.noop, '+OK');
    assert.equal(r.retr_deleted, '-ERR Message 2 already deleted');
    assert.match(r.quit, /^\+OK .*\(1 deleted, 1 left\)$/);
    assert.deepEqual(r.stat_after, [1, size1]);
    assert.deepEqual(r.uidl_after, [r.uidl[0]]);
    assert.match(r.quit_tls, /^\+OK/);

    // RETR set \Seen for IMAP clients.
    const account = await server.store.findAccount(USER);
    const inbox = await server.store.getMailbox(account!.id, 'INBOX');
    const left = await server.store.listMessages(inbox!.id);
    assert.deepEqual(left.map((m) => [m.uid, m.flags]), [[1, ['\\Seen']]]);
  });
});
