// Brute force over the wire: failed logins slow down (growing, clock-injected delays), then the
// user name is refused for a while, across IMAP and POP3; failures are logged with the peer and
// never with the password; an unknown user and a wrong password get the same answer.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ImapClient } from '../helpers/imap-client.js';
import { Pop3Client } from '../pop3/client.js';
import { startSecurityServer } from './harness.js';

const limits = { maxAuthFailures: 100, loginFailureDelayMs: 100, loginFailureMaxDelayMs: 400, loginLockoutUserFailures: 3, loginLockoutIpFailures: 50, loginLockoutMs: 60_000 };

test('IMAP: growing delay, same answer for unknown user and wrong password, then lockout shared with POP3', async () => {
  const s = await startSecurityServer({ limits });
  try {
    await s.addUser('alice');
    const c = await ImapClient.connect({ port: s.imapPort });
    const unknown = await c.cmd('LOGIN nosuchuser hunter2');
    const wrong = await c.cmd('LOGIN alice hunter2');
    assert.equal(unknown.text, wrong.text, 'unknown user and wrong password look the same');
    assert.match(wrong.tagged, /NO \[AUTHENTICATIONFAILED\]/);
    // The address failed once before the second attempt: it waited the base delay.
    assert.deepEqual(s.clock.sleeps, [100]);
    await c.cmd('LOGIN alice hunter3');
    await c.cmd('LOGIN alice hunter4');
    assert.deepEqual(s.clock.sleeps, [100, 200, 400], 'the wait doubles up to the maximum');
    // Three failures against "alice": locked, even with the right password, on POP3 too.
    const locked = await c.cmd('LOGIN alice secret');
    assert.match(locked.tagged, /NO \[UNAVAILABLE\] Too many failed logins; try again in 1 minute/);
    const p = await Pop3Client.connect({ port: s.pop3Port });
    assert.equal(await p.cmd('USER alice'), '+OK Send the password with PASS');
    assert.match(await p.cmd('PASS secret'), /^-ERR \[AUTH\] Too many failed logins/);
    // After the lockout the right password works again.
    s.clock.advance(60_001);
    const ok = await c.cmd('LOGIN alice secret');
    assert.equal(ok.status, 'OK', c.transcript());
    await c.close();
    await p.close();

    const failures = s.logs.filter((e) => e['msg'] === 'login failed');
    assert.equal(failures.length, 4);
    for (const e of failures) assert.equal(e['peer'], '127.0.0.1');
    assert.ok(s.logs.some((e) => e['msg'] === 'login refused: too many failures' && e['protocol'] === 'pop3'));
    assert.ok(!JSON.stringify(s.logs).includes('hunter'), 'no password in the logs');
    assert.deepEqual(s.errors(), []);
  } finally {
    await s.stop();
  }
});

test('POP3 failures slow down IMAP logins from the same address', async () => {
  const s = await startSecurityServer({ limits });
  try {
    await s.addUser('bob');
    const p = await Pop3Client.connect({ port: s.pop3Port });
    await p.cmd('USER bob');
    assert.match(await p.cmd('PASS wrong'), /^-ERR \[AUTH\] Invalid credentials/);
    await p.cmd('USER ghost');
    assert.match(await p.cmd('PASS wrong'), /^-ERR \[AUTH\] Invalid credentials/);
    const c = await ImapClient.connect({ port: s.imapPort });
    await c.cmd('AUTHENTICATE PLAIN ' + Buffer.from('\0carol\0wrong').toString('base64'));
    assert.deepEqual(s.clock.sleeps, [100, 200]);
    await c.close();
    await p.close();
  } finally {
    await s.stop();
  }
});
