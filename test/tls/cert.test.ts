import { test } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, TLSSocket } from 'node:tls';
import { createServer, type AddressInfo } from 'node:net';
import { createTlsContextHolder, loadOrCreateCertificate } from '../../src/tls/index.js';

const none = { cert: null, key: null };

test('a self-signed certificate is made once, kept in dataDir/tls, and reused', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'postkeep-tls-'));
  const first = await loadOrCreateCertificate(none, dataDir);
  assert.equal(first.selfSigned, true);
  assert.equal(first.keyPath, join(dataDir, 'tls', 'selfsigned-key.pem'));
  assert.equal(statSync(first.keyPath).mode & 0o777, 0o600);
  const second = await loadOrCreateCertificate(none, dataDir);
  assert.equal(second.cert, first.cert);
  assert.equal(second.key, first.key);

  const x509 = new X509Certificate(first.cert);
  assert.match(x509.subjectAltName ?? '', /DNS:localhost/);
  assert.match(x509.subjectAltName ?? '', /IP Address:127\.0\.0\.1/);
  assert.match(x509.subjectAltName ?? '', /IP Address:0:0:0:0:0:0:0:1/);
  const years = (Date.parse(x509.validTo) - Date.now()) / (365 * 24 * 3600 * 1000);
  assert.ok(years > 9.9 && years < 10.1, `valid for ${years} years`);
});

test('configured files are read; a missing one is a clear error', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'postkeep-tls-'));
  const made = await loadOrCreateCertificate(none, dataDir);
  const certPath = join(dataDir, 'real-cert.pem');
  const keyPath = join(dataDir, 'real-key.pem');
  writeFileSync(certPath, made.cert);
  writeFileSync(keyPath, made.key);
  const loaded = await loadOrCreateCertificate({ cert: certPath, key: keyPath }, dataDir);
  assert.deepEqual(loaded, { cert: made.cert, key: made.key, selfSigned: false, certPath, keyPath });
  await assert.rejects(loadOrCreateCertificate({ cert: join(dataDir, 'nope.pem'), key: keyPath }, dataDir), {
    name: 'CertificateError',
    message: new RegExp(`^Cannot read TLS certificate ${join(dataDir, 'nope.pem')}: ENOENT`),
  });
});

test('a TLS handshake with the holder context works, TLS 1.1 does not', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'postkeep-tls-'));
  const holder = await createTlsContextHolder(none, dataDir);
  // The way STARTTLS uses it: a plain socket upgraded with holder.current().
  const server = createServer((raw) => {
    const socket = new TLSSocket(raw, { isServer: true, secureContext: holder.current() });
    socket.on('error', () => socket.destroy());
    socket.on('secure', () => socket.end('hello\r\n'));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  try {
    const client: TLSSocket = connect({ host: '127.0.0.1', port, rejectUnauthorized: false });
    await once(client, 'secureConnect');
    assert.ok(['TLSv1.2', 'TLSv1.3'].includes(client.getProtocol() ?? ''));
    client.setEncoding('utf8');
    const [data] = await once(client, 'data');
    assert.equal(data, 'hello\r\n');
    client.destroy();

    const old = connect({ host: '127.0.0.1', port, rejectUnauthorized: false, maxVersion: 'TLSv1.1', minVersion: 'TLSv1' });
    await assert.rejects(once(old, 'secureConnect'));
    old.destroy();

    await holder.reload();
    assert.equal(holder.certificate().selfSigned, true);
  } finally {
    server.close();
  }
});
