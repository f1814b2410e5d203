// swaks (a real SMTP/LMTP client, from Debian's packages) against the LMTP listener.
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { startLmtp } from './harness.js';

const haveSwaks = spawnSync('swaks', ['--version'], { encoding: 'utf8' }).status === 0;

function swaks(args: string[]): Promise<{ code: number; stdout: string }> {
  // Asynchronous: the LMTP server runs in this process and must keep answering.
  return new Promise((resolve) => {
    execFile('swaks', args, { encoding: 'utf8', timeout: 30_000 }, (err, stdout) => {
      resolve({ code: err === null ? 0 : typeof err.code === 'number' ? err.code : -1, stdout });
    });
  });
}

test('swaks --protocol LMTP: per-recipient replies and the stored message', { skip: haveSwaks ? false : 'swaks is not installed (apt-get install swaks)' }, async () => {
  const h = await startLmtp();
  try {
    await h.account('alice');
    const bob = await h.account('bob');
    await h.store.setQuota(bob.id, { messages: 0 });
    const common = ['--protocol', 'LMTP', '--server', '127.0.0.1', '--port', String(h.port), '--helo', 'mta.test', '--from', 's@remote.test'];
    const run = await swaks([...common, '--to', 'alice@example.org,bob@example.org,nobody@example.org', '--header', 'Subject: swaks test', '--body', 'hi from swaks']);
    assert.match(run.stdout, /<- {2}220 .*LMTP/);
    assert.match(run.stdout, /-> LHLO mta\.test/);
    assert.match(run.stdout, /<\*\* 550 5\.1\.1 <nobody@example\.org>/);
    assert.match(run.stdout, /<- {2}250 2\.0\.0 <alice@example\.org> delivered/);
    assert.match(run.stdout, /<\*\* 552 5\.2\.2 <bob@example\.org>/);
    const [stored] = await h.messages('alice');
    assert.match(stored?.toString('latin1') ?? '', /^Return-Path: <s@remote\.test>\r\nDelivered-To: alice@example\.org\r\n[^]*Subject: swaks test\r\n[^]*\r\n\r\nhi from swaks\r\n/);
    assert.equal((await h.messages('bob')).length, 0);

    const big = await swaks([...common, '--to', 'alice@example.org', '--body', 'x'.repeat(6000)]);
    assert.match(big.stdout, /<\*\* 552 5\.3\.4 /);
    assert.equal((await h.messages('alice')).length, 1);
  } finally {
    await h.stop();
  }
});
