// LMTP inside the whole server (startServer): an IMAP client in IDLE hears about an LMTP delivery at
// once (DESIGN.md: within 100 ms), and the message reads back over IMAP.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ImapClient } from '../helpers/imap-client.js';
import { startTestServer } from '../helpers/server.js';
import { LmtpClient } from './lmtp-client.js';

test('an IDLE session sees each LMTP delivery as EXISTS right away', async (t) => {
  const server = await startTestServer();
  let imap: ImapClient | undefined;
  let lmtp: LmtpClient | undefined;
  try {
    assert.ok(server.lmtpPort > 0, 'LMTP listens');
    await server.addUser('alice', 'pw');
    imap = await ImapClient.connect({ port: server.port });
    await imap.login('alice', 'pw');
    await imap.ok('SELECT INBOX');
    imap.sendLine('i1 IDLE');
    await imap.waitFor((r) => r.tag === '+');

    const conn = await LmtpClient.open(server.lmtpPort);
    lmtp = conn;
    await conn.reply();
    await conn.command('LHLO mta.test');
    const afterCommit: number[] = [];
    for (let i = 1; i <= 5; i++) {
      await conn.command('MAIL FROM:<s@remote.test>');
      await conn.command('RCPT TO:<alice@example.org>');
      const client = imap;
      let existsAt = 0;
      const exists = client.waitFor((r) => r.text === `* ${i} EXISTS`, 5000).then(() => (existsAt = Date.now()));
      const { replies } = await conn.data(`Subject: idle ${i}\r\n\r\nbody ${i}\r\n`, 1);
      const repliedAt = Date.now();
      assert.equal(replies[0]?.code, 250);
      await exists;
      // The commit happens before the 250 is written, so this over-estimates the delay after commit.
      afterCommit.push(Math.max(0, existsAt - repliedAt));
    }
    const sorted = [...afterCommit].sort((a, b) => a - b);
    const median = sorted[2] ?? 0;
    t.diagnostic(`EXISTS after the 250 reply (ms): ${afterCommit.join(', ')}`);
    assert.ok(median < 100, `median delay ${median} ms`);
    assert.ok((sorted[4] ?? 0) < 1000, `slowest ${sorted[4]} ms`);

    imap.sendLine('DONE');
    assert.equal((await imap.readTagged('i1')).status, 'OK');
    const fetched = await imap.ok('FETCH 5 BODY.PEEK[HEADER.FIELDS (Return-Path Delivered-To Subject)]');
    assert.match(fetched.lines.join('\n'), /Return-Path: <s@remote\.test>\r\nDelivered-To: alice@example\.org\r\nSubject: idle 5/);
  } finally {
    await lmtp?.close();
    await imap?.close();
    await server.stop();
  }
});
