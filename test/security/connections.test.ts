// Connection limits (DESIGN.md rule 3): per address, IMAP and POP3 together, a clear BYE [LIMIT];
// per user, a NO [LIMIT] at login; slots come back when connections end or UNAUTHENTICATE.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ImapClient } from '../helpers/imap-client.js';
import { Pop3Client } from '../pop3/client.js';
import { startSecurityServer } from './harness.js';

test('connections per address: the one past the limit gets * BYE [LIMIT], counted with POP3', async () => {
  const s = await startSecurityServer({ limits: { maxConnectionsPerIp: 2 } });
  try {
    const a = await ImapClient.connect({ port: s.imapPort });
    const p = await Pop3Client.connect({ port: s.pop3Port });
    const refused = await ImapClient.connect({ port: s.imapPort });
    assert.match(refused.greeting, /^\* BYE \[LIMIT\] Too many connections from your address \(at most 2\)/);
    await refused.closed;
    const refusedPop = await Pop3Client.connect({ port: s.pop3Port });
    assert.match(refusedPop.greeting, /^-ERR \[SYS\/TEMP\] Too many connections from your address/);
    await a.close();
    await a.closed;
    // The slot is given back once the session is gone.
    await waitFor(() => s.connections.countIp('127.0.0.1') === 1);
    const b = await ImapClient.connect({ port: s.imapPort });
    assert.match(b.greeting, /^\* OK/);
    assert.equal((await b.cmd('NOOP')).status, 'OK');
    await b.close();
    await p.close();
    assert.ok(s.logs.some((e) => e['msg'] === 'IMAP connection refused: too many from this address' && e['peer'] === '127.0.0.1'));
  } finally {
    await s.stop();
  }
});

test('sessions per user: NO [LIMIT] past the limit; LOGOUT and UNAUTHENTICATE give the slot back', async () => {
  const s = await startSecurityServer({ limits: { maxConnectionsPerUser: 2 } });
  try {
    await s.addUser('alice');
    await s.addUser('bob');
    const a = await ImapClient.connect({ port: s.imapPort });
    await a.login('alice', 'secret');
    const p = await Pop3Client.connect({ port: s.pop3Port });
    assert.match(await p.login('alice', 'secret'), /^\+OK/);
    const c = await ImapClient.connect({ port: s.imapPort });
    const r = await c.cmd('LOGIN alice secret');
    assert.match(r.tagged, /NO \[LIMIT\] Too many open sessions for this user \(at most 2\)/);
    const p2 = await Pop3Client.connect({ port: s.pop3Port });
    await p2.cmd('USER alice');
    assert.match(await p2.cmd('PASS secret'), /^-ERR \[IN-USE\] Too many open sessions/);
    // Another user is not affected.
    assert.equal((await c.cmd('LOGIN bob secret')).status, 'OK');
    assert.equal((await c.cmd('UNAUTHENTICATE')).status, 'OK');
    await a.cmd('UNAUTHENTICATE');
    assert.equal((await c.cmd('LOGIN alice secret')).status, 'OK', c.transcript());
    await p.close();
    await p.closed;
    await waitFor(() => s.connections.countUser('alice') === 1);
    assert.equal((await a.cmd('LOGIN alice secret')).status, 'OK', a.transcript());
    for (const x of [a, c]) await x.close();
    await p2.close();
  } finally {
    await s.stop();
  }
});

async function waitFor(cond: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !cond(); i++) await new Promise((r) => setImmediate(r));
  for (let i = 0; i < 100 && !cond(); i++) await new Promise((r) => setTimeout(r, 10));
  assert.ok(cond(), 'condition not reached');
}
