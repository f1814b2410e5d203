// TLS: 1.2 minimum, AEAD-only TLS 1.2 suites, and certificate reload (the function and SIGHUP to a
// spawned `postkeep serve`) that new connections and STARTTLS see while open connections go on.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect as netConnect } from 'node:net';
import { connect as tlsConnect, type ConnectionOptions } from 'node:tls';
import { pino } from 'pino';
import { configFromObject } from '../../src/config/index.js';
import { startServer } from '../../src/server/index.js';
import { generateSelfSigned } from '../../src/tls/index.js';
import { ImapClient } from '../helpers/imap-client.js';
import { MAIN } from '../cli/run.js';

type Handshake = { ok: true; protocol: string; cipher: string; fingerprint: string } | { ok: false; code: string };

function handshake(port: number, extra: ConnectionOptions = {}): Promise<Handshake> {
  return new Promise((resolve) => {
    const s = tlsConnect({ host: '127.0.0.1', port, rejectUnauthorized: false, ...extra }, () => {
      resolve({ ok: true, protocol: s.getProtocol() ?? '', cipher: s.getCipher().name, fingerprint: s.getPeerCertificate().fingerprint256 });
      s.destroy();
    });
    s.on('error', (err: NodeJS.ErrnoException) => resolve({ ok: false, code: err.code ?? err.message }));
  });
}

async function starttlsHandshake(port: number, extra: ConnectionOptions): Promise<Handshake> {
  const plain = netConnect({ host: '127.0.0.1', port });
  let text = '';
  plain.setEncoding('latin1');
  const onData = (d: string): void => {
    text += d;
    if (/\* OK .*\r\n/.test(text) && !text.includes('a STARTTLS')) {
      text += 'a STARTTLS';
      plain.write('a STARTTLS\r\n');
    }
  };
  plain.on('data', onData);
  while (!/a OK [^\r]*\r\n/.test(text)) await once(plain, 'data');
  plain.removeListener('data', onData);
  return handshake(0, { ...extra, socket: plain });
}

async function withCertFiles<T>(fn: (dir: string, certPath: string, keyPath: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'postkeep-tls-'));
  try {
    const first = await generateSelfSigned('localhost');
    await writeFile(join(dir, 'cert.pem'), first.cert);
    await writeFile(join(dir, 'key.pem'), first.key);
    return await fn(dir, join(dir, 'cert.pem'), join(dir, 'key.pem'));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function replaceCert(certPath: string, keyPath: string): Promise<void> {
  const next = await generateSelfSigned('localhost');
  await writeFile(keyPath, next.key);
  await writeFile(certPath, next.cert);
}

test('TLS 1.1 and CBC suites are refused on IMAPS and POP3S; TLS 1.2 AEAD and TLS 1.3 work', async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'postkeep-tls-'));
  const config = configFromObject({
    data_dir: dataDir,
    imap: { listen: ['127.0.0.1:0'], listen_tls: ['127.0.0.1:0'] },
    pop3: { listen: [], listen_tls: ['127.0.0.1:0'] },
    lmtp: { listen: [] },
  });
  const server = await startServer(config, { logger: pino({ level: 'silent' }) });
  try {
    for (const port of [server.imap.tls[0]?.port ?? 0, server.pop3.tls[0]?.port ?? 0]) {
      const old = await handshake(port, { minVersion: 'TLSv1', maxVersion: 'TLSv1.1', ciphers: 'DEFAULT@SECLEVEL=0' });
      assert.equal(old.ok, false, 'a TLS 1.1 client is refused');
      const cbc = await handshake(port, { maxVersion: 'TLSv1.2', ciphers: 'ECDHE-ECDSA-AES128-SHA:ECDHE-ECDSA-AES256-SHA384:AES128-SHA' });
      assert.equal(cbc.ok, false, 'CBC suites are not offered');
      const tls12 = await handshake(port, { maxVersion: 'TLSv1.2' });
      assert.ok(tls12.ok && tls12.protocol === 'TLSv1.2' && /GCM|CHACHA20/.test(tls12.cipher), JSON.stringify(tls12));
      const tls13 = await handshake(port);
      assert.ok(tls13.ok && tls13.protocol === 'TLSv1.3', JSON.stringify(tls13));
    }
    // STARTTLS uses the same settings.
    const cbcStarttls = await starttlsHandshake(server.imap.plain[0]?.port ?? 0, { maxVersion: 'TLSv1.2', ciphers: 'ECDHE-ECDSA-AES128-SHA:AES128-SHA' });
    assert.equal(cbcStarttls.ok, false, 'CBC suites are not offered after STARTTLS');
    const oldStarttls = await starttlsHandshake(server.imap.plain[0]?.port ?? 0, { minVersion: 'TLSv1', maxVersion: 'TLSv1.1', ciphers: 'DEFAULT@SECLEVEL=0' });
    assert.equal(oldStarttls.ok, false, 'TLS 1.1 is refused after STARTTLS');
    const goodStarttls = await starttlsHandshake(server.imap.plain[0]?.port ?? 0, { maxVersion: 'TLSv1.2' });
    assert.ok(goodStarttls.ok, JSON.stringify(goodStarttls));
  } finally {
    await server.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
});

test('reloadTls: new IMAPS and STARTTLS connections get the new certificate, open ones keep working', async () => {
  await withCertFiles(async (dir, certPath, keyPath) => {
    const config = configFromObject({
      data_dir: join(dir, 'data'),
      imap: { listen: ['127.0.0.1:0'], listen_tls: ['127.0.0.1:0'] },
      pop3: { listen: [], listen_tls: [] },
      lmtp: { listen: [] },
      tls: { cert: certPath, key: keyPath },
    });
    const server = await startServer(config, { logger: pino({ level: 'silent' }) });
    try {
      const tlsPort = server.imap.tls[0]?.port ?? 0;
      const plainPort = server.imap.plain[0]?.port ?? 0;
      const before = await handshake(tlsPort);
      assert.ok(before.ok);
      const open = await ImapClient.connect({ port: tlsPort, tls: true });
      const openStarttls = await ImapClient.connect({ port: plainPort });
      await openStarttls.startTls();

      await replaceCert(certPath, keyPath);
      await server.reloadTls();

      const after = await handshake(tlsPort);
      assert.ok(after.ok);
      assert.notEqual(after.fingerprint, before.fingerprint, 'IMAPS serves the new certificate');
      const upgraded = await ImapClient.connect({ port: plainPort });
      await upgraded.startTls();
      const fp = (upgraded as unknown as { socket: import('node:tls').TLSSocket }).socket.getPeerCertificate().fingerprint256;
      assert.equal(fp, after.fingerprint, 'STARTTLS uses the new certificate');
      for (const c of [open, openStarttls, upgraded]) assert.equal((await c.cmd('NOOP')).status, 'OK', 'connections stay up');
      for (const c of [open, openStarttls, upgraded]) await c.close();

      // A broken file keeps the old certificate in use.
      await writeFile(certPath, 'not a certificate');
      await assert.rejects(server.reloadTls());
      const still = await handshake(tlsPort);
      assert.ok(still.ok && still.fingerprint === after.fingerprint);
    } finally {
      await server.stop();
    }
  });
});

test('SIGHUP to postkeep serve reloads the certificate without dropping connections', { timeout: 20_000 }, async (t) => {
  await withCertFiles(async (dir, certPath, keyPath) => {
    const configPath = join(dir, 'postkeep.toml');
    await writeFile(
      configPath,
      `data_dir = "data"\n[imap]\nlisten = []\nlisten_tls = ["127.0.0.1:0"]\n[pop3]\nlisten = []\nlisten_tls = []\n[lmtp]\nlisten = []\n[tls]\ncert = "${certPath}"\nkey = "${keyPath}"\n`,
    );
    const child = spawn(process.execPath, [MAIN, '--config', configPath, 'serve'], { stdio: ['ignore', 'pipe', 'pipe'] });
    t.after(() => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    });
    const messages: string[] = [];
    let waiting: (() => void) | null = null;
    let buffered = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      buffered += d;
      const parts = buffered.split('\n');
      buffered = parts.pop() ?? '';
      for (const part of parts) messages.push((JSON.parse(part) as { msg: string }).msg);
      waiting?.();
    });
    const waitFor = async (re: RegExp): Promise<RegExpExecArray> => {
      for (;;) {
        for (const m of messages) {
          const found = re.exec(m);
          if (found) return found;
        }
        if (child.exitCode !== null) throw new Error(`serve exited: ${messages.join('\n')}`);
        await new Promise<void>((resolve) => (waiting = resolve));
      }
    };
    const port = Number((await waitFor(/^IMAPS listening on 127\.0\.0\.1:(\d+)$/))[1]);
    const before = await handshake(port);
    assert.ok(before.ok);
    const open = await ImapClient.connect({ port, tls: true });
    await replaceCert(certPath, keyPath);
    child.kill('SIGHUP');
    await waitFor(/^TLS certificate and key reloaded$/);
    const after = await handshake(port);
    assert.ok(after.ok && after.fingerprint !== before.fingerprint, 'the new certificate is served');
    assert.equal((await open.cmd('NOOP')).status, 'OK', 'the open connection still works');
    await open.close();
    child.kill('SIGTERM');
    const [code] = (await once(child, 'exit')) as [number | null];
    assert.equal(code, 0);
  });
});
