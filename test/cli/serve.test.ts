import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { connect as netConnect, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect as tlsConnect } from 'node:tls';
import { pino } from 'pino';
import { ImapFlow } from 'imapflow';
import { hashPassword } from '../../src/auth/password.js';
import { configFromObject } from '../../src/config/index.js';
import { startServer } from '../../src/server/index.js';
import { MAIN } from './run.js';

const silent = pino({ level: 'silent' });

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'postkeep-serve-'));
}

async function firstLine(socket: NodeJS.ReadableStream): Promise<string> {
  socket.setEncoding('utf8');
  let text = '';
  for await (const chunk of socket) {
    text += chunk as string;
    if (text.includes('\r\n')) break;
  }
  return text.slice(0, text.indexOf('\r\n'));
}

test('startServer listens on port 0, plain and TLS, and a client logs in; stop() closes all', { timeout: 8000 }, async () => {
  const dataDir = tempDir();
  const config = configFromObject({ data_dir: dataDir, imap: { listen: ['127.0.0.1:0'], listen_tls: ['127.0.0.1:0'], plaintext_auth: 'never' }, pop3: { listen: ['127.0.0.1:0'], listen_tls: ['127.0.0.1:0'] }, lmtp: { listen: ['127.0.0.1:0'] } });
  const server = await startServer(config, { logger: silent });
  let stopped = false;
  try {
    await server.store.createAccount('alice', await hashPassword('pw'));
    const plain = server.imap.plain[0] as AddressInfo;
    const secure = server.imap.tls[0] as AddressInfo;
    assert.notEqual(plain.port, 0);

    const raw = netConnect(plain.port, '127.0.0.1');
    assert.match(await firstLine(raw), /^\* OK/);
    raw.destroy();
    const tls = tlsConnect({ port: secure.port, host: '127.0.0.1', rejectUnauthorized: false });
    assert.match(await firstLine(tls), /^\* OK/);
    tls.destroy();
    const pop3 = netConnect((server.pop3.plain[0] as AddressInfo).port, '127.0.0.1');
    assert.match(await firstLine(pop3), /^\+OK /);
    pop3.destroy();
    const pop3s = tlsConnect({ port: (server.pop3.tls[0] as AddressInfo).port, host: '127.0.0.1', rejectUnauthorized: false });
    assert.match(await firstLine(pop3s), /^\+OK /);
    pop3s.destroy();

    // STARTTLS on the plain port, then LOGIN, with a real client library.
    const client = new ImapFlow({
      host: '127.0.0.1',
      port: plain.port,
      secure: false,
      doSTARTTLS: true,
      tls: { rejectUnauthorized: false },
      auth: { user: 'alice', pass: 'pw' },
      logger: false,
    });
    await client.connect();
    const closed = once(client, 'close');
    await server.stop();
    stopped = true;
    await closed; // the server said BYE and hung up
  } finally {
    if (!stopped) await server.stop();
  }
});

test('a busy port is one clear error and nothing is left open', { timeout: 8000 }, async () => {
  const dataDir = tempDir();
  const first = await startServer(configFromObject({ data_dir: join(dataDir, 'a'), imap: { listen: ['127.0.0.1:0'], listen_tls: [] }, pop3: { listen: [], listen_tls: [] }, lmtp: { listen: [] } }), { logger: silent });
  try {
    const port = (first.imap.plain[0] as AddressInfo).port;
    const config = configFromObject({ data_dir: join(dataDir, 'b'), imap: { listen: [`127.0.0.1:${port}`], listen_tls: [] }, pop3: { listen: [], listen_tls: [] }, lmtp: { listen: [] } });
    await assert.rejects(startServer(config, { logger: silent }), {
      name: 'ListenError',
      message: `Cannot listen on 127.0.0.1:${port}: the address is already in use (is another Postkeep or IMAP server running?)`,
    });
  } finally {
    await first.stop();
  }
});

test('postkeep serve logs its listeners and exits 0 on SIGTERM', { timeout: 8000 }, async (t) => {
  const dir = tempDir();
  const configPath = join(dir, 'postkeep.toml');
  writeFileSync(configPath, 'data_dir = "data"\n[imap]\nlisten = ["127.0.0.1:0"]\nlisten_tls = ["127.0.0.1:0"]\n[pop3]\nlisten = ["127.0.0.1:0"]\nlisten_tls = []\n[lmtp]\nlisten = ["127.0.0.1:0"]\n');
  const child = spawn(process.execPath, [MAIN, '--config', configPath, 'serve'], { stdio: ['ignore', 'pipe', 'pipe'] });
  t.after(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const lines: Array<{ msg: string }> = [];
  child.stdout.setEncoding('utf8');
  let buffered = '';
  for await (const chunk of child.stdout) {
    buffered += chunk as string;
    const parts = buffered.split('\n');
    buffered = parts.pop() ?? '';
    for (const part of parts) lines.push(JSON.parse(part) as { msg: string });
    if (lines.some((l) => l.msg.startsWith('No accounts yet'))) break;
  }
  const messages = lines.map((l) => l.msg);
  assert.ok(messages.some((m) => /^IMAP listening on 127\.0\.0\.1:\d+$/.test(m)), messages.join('\n'));
  assert.ok(messages.some((m) => /^IMAPS listening on 127\.0\.0\.1:\d+$/.test(m)), messages.join('\n'));
  assert.ok(messages.includes('No accounts yet. Add one in another terminal: npx postkeep user add alice'));
  // Our end of its stdout is closed now: the server must still stop and exit (no log flush loop).
  child.kill('SIGTERM');
  const [code] = (await once(child, 'exit')) as [number | null];
  assert.equal(code, 0, stderr);
});
