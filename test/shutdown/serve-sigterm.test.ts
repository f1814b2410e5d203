// postkeep serve and SIGTERM, on a real process: listeners close at once, IMAP sessions get * BYE,
// an LMTP DATA in progress completes with 250 (the rest of the message is sent after the signal),
// a POP3 session is closed without UPDATE (its DELE is forgotten), the process exits 0. With a client
// that never finishes its DATA, --shutdown-timeout cuts it off: exit 1 and a log line. A second
// serve on the same data directory is refused while the first holds its lock.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { analyzeMessage } from '../../src/mime/analyze.js';
import { openSqliteStore } from '../../src/store/sqlite/index.js';
import { runCli } from '../cli/run.js';
import { killAll, startServe, writeConfig } from '../crash/server-process.js';
import { ImapClient } from '../helpers/imap-client.js';
import { LmtpClient } from '../lmtp/lmtp-client.js';
import { cheapHash } from './cheap-hash.js';

async function setup(): Promise<{ dir: string; config: string; dataDir: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'postkeep-sigterm-'));
  const config = writeConfig(dir, { pop3: true });
  const dataDir = join(dir, 'data');
  const store = await openSqliteStore({ dataDir, analyze: analyzeMessage, fsync: false });
  await store.createAccount('alice', cheapHash('pw'));
  await store.close();
  return { dir, config, dataDir };
}

/** Raw bytes on the LMTP connection (part of a message). */
function rawWrite(l: LmtpClient, text: string): void {
  (l as unknown as { socket: Socket }).socket.write(text);
}

async function lmtpStartData(port: number): Promise<LmtpClient> {
  const l = await LmtpClient.open(port);
  assert.equal((await l.reply()).code, 220);
  assert.equal((await l.command('LHLO test')).code, 250);
  assert.equal((await l.command('MAIL FROM:<s@example.org>')).code, 250);
  assert.equal((await l.command('RCPT TO:<alice@example.org>')).code, 250);
  assert.equal((await l.command('DATA')).code, 354);
  return l;
}

/** A raw POP3 exchange: one line per command. */
async function pop3(port: number): Promise<{ send(line: string): Promise<string>; closed: Promise<void> }> {
  const socket = connect({ port, host: '127.0.0.1' });
  socket.setEncoding('utf8');
  let buffer = '';
  const waiters: Array<() => void> = [];
  socket.on('data', (d: string) => {
    buffer += d;
    for (const w of waiters.splice(0)) w();
  });
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  socket.on('error', () => undefined);
  const line = async (): Promise<string> => {
    while (!buffer.includes('\r\n')) await new Promise<void>((resolve) => waiters.push(resolve));
    const end = buffer.indexOf('\r\n');
    const out = buffer.slice(0, end);
    buffer = buffer.slice(end + 2);
    return out;
  };
  await line();
  return {
    send: async (text) => {
      socket.write(`${text}\r\n`);
      return line();
    },
    closed,
  };
}

test('SIGTERM: BYE to IMAP, LMTP DATA in progress gets its 250, POP3 closed without UPDATE, exit 0', { timeout: 30_000 }, async (t) => {
  const { dir, config } = await setup();
  t.after(() => {
    killAll();
    rmSync(dir, { recursive: true, force: true });
  });
  const server = await startServe(config, [], { pop3: true });
  // A message for POP3 to DELE.
  const first = await lmtpStartData(server.lmtpPort);
  rawWrite(first, 'Subject: one\r\n\r\nfirst\r\n.\r\n');
  assert.equal((await first.reply()).code, 250);
  await first.close();

  const imap = await ImapClient.connect({ port: server.imapPort, name: 'I' });
  await imap.login('alice', 'pw');
  await imap.ok('SELECT INBOX');
  const pop = await pop3(server.pop3Port);
  assert.match(await pop.send('USER alice'), /^\+OK/);
  assert.match(await pop.send('PASS pw'), /^\+OK/);
  assert.match(await pop.send('DELE 1'), /^\+OK/);
  const lmtp = await lmtpStartData(server.lmtpPort);
  rawWrite(lmtp, 'Subject: two\r\n\r\nThe first half, before SIGTERM;\r\n');

  server.child.kill('SIGTERM');
  await server.waitForLog(/^shutting down$/);
  const bye = await imap.waitFor((r) => r.text.startsWith('* BYE'));
  assert.equal(bye.match.text, '* BYE [UNAVAILABLE] Server shutting down');
  await imap.closed;
  await pop.closed;
  await assert.rejects(ImapClient.connect({ port: server.imapPort }), /ECONNREFUSED/, 'no new connections');
  // The rest of the message after the signal: the delivery completes and is acknowledged.
  rawWrite(lmtp, 'the second half, after it.\r\n.\r\n');
  const delivered = await lmtp.reply();
  assert.equal(delivered.code, 250, delivered.line);
  assert.match(delivered.line, /\(UID 2\)/);
  const exit = await server.exited;
  assert.deepEqual(exit, { code: 0, signal: null }, server.stderr());
  assert.ok(server.lines.some((l) => l.msg === 'stopped'));

  // Both messages are there: the DELE was never committed (no QUIT, no UPDATE state).
  const check = await runCli(['--config', config, 'check', '--json']);
  assert.equal(check.code, 0, check.stdout + check.stderr);
  assert.equal((JSON.parse(check.stdout) as { counts: { messages: number } }).counts.messages, 2);
});

test('SIGTERM with a client that never finishes: exit 1 after --shutdown-timeout; the lock refuses a second serve', { timeout: 30_000 }, async (t) => {
  const { dir, config } = await setup();
  t.after(() => {
    killAll();
    rmSync(dir, { recursive: true, force: true });
  });
  const server = await startServe(config, ['--shutdown-timeout', '0.5'], { pop3: true });
  const second = await runCli(['--config', config, 'serve']);
  assert.equal(second.code, 1);
  assert.match(second.stderr, /is in use by process \d+ \(postkeep\.lock\); stop the server first/);
  const check = await runCli(['--config', config, 'check']);
  assert.equal(check.code, 2, 'check refuses beside a running server');

  const lmtp = await lmtpStartData(server.lmtpPort);
  rawWrite(lmtp, 'Subject: never ends\r\n\r\n');
  server.child.kill('SIGTERM');
  const exit = await server.exited;
  assert.deepEqual(exit, { code: 1, signal: null });
  assert.ok(server.lines.some((l) => /^shutdown deadline of 500 ms passed/.test(l.msg)), server.lines.map((l) => l.msg).join('\n'));
  void lmtp.close();
  // The lock was released: check runs now.
  assert.equal((await runCli(['--config', config, 'check'])).code, 0);
});
