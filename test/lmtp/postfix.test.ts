// End to end through a real Postfix (Debian's package) on loopback: SMTP in on a test port, LMTP out
// to Postkeep (local_transport = lmtp:inet:127.0.0.1:PORT), then the message read back over IMAP.
// Skips (with the reason) where Postfix is missing or the test is not root.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ImapClient } from '../helpers/imap-client.js';
import { startTestServer } from '../helpers/server.js';
import { LmtpClient } from './lmtp-client.js';
import { postfixUnavailable, startPostfix, type PostfixInstance } from './postfix.js';

const unavailable = await postfixUnavailable();

test('Postfix -> LMTP -> Postkeep -> IMAP', { skip: unavailable ?? false, timeout: 90_000 }, async (t) => {
  const server = await startTestServer();
  let postfix: PostfixInstance | undefined;
  let smtp: LmtpClient | undefined;
  let imap: ImapClient | undefined;
  try {
    const alice = await server.addUser('alice', 'pw');
    const inbox = await server.store.getMailbox(alice.id, 'INBOX');
    assert.ok(inbox);
    postfix = await startPostfix('example.org', server.lmtpPort);

    // SMTP into Postfix; it may take a moment to open its port after `postfix start` returns.
    const deadline = Date.now() + 30_000;
    for (;;) {
      try {
        smtp = await LmtpClient.open(postfix.smtpPort, 15_000);
        break;
      } catch (err) {
        if (Date.now() > deadline) throw err;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    assert.equal((await smtp.reply()).code, 220);
    assert.equal((await smtp.command('EHLO client.test')).code, 250);
    assert.equal((await smtp.command('MAIL FROM:<sender@remote.test>')).code, 250);
    assert.equal((await smtp.command('RCPT TO:<alice@example.org>')).code, 250);
    const body = 'From: sender@remote.test\r\nTo: alice@example.org\r\nSubject: through postfix\r\nMessage-ID: <pf1@remote.test>\r\n\r\nHello via Postfix.\r\n';
    const { replies } = await smtp.data(body, 1);
    assert.equal(replies[0]?.code, 250, replies[0]?.line);
    await smtp.close();
    smtp = undefined;

    // Wait for the LMTP delivery by polling the store, bounded.
    const until = Date.now() + 45_000;
    while ((await server.store.listMessages(inbox.id)).length === 0) {
      if (Date.now() > until) assert.fail(`no delivery within 45 s; Postfix log:\n${await postfix.log()}`);
      await new Promise((r) => setTimeout(r, 50));
    }

    imap = await ImapClient.connect({ port: server.port });
    await imap.login('alice', 'pw');
    await imap.ok('SELECT INBOX');
    const fetched = (await imap.ok('FETCH 1 BODY.PEEK[]')).lines.join('\n');
    assert.match(fetched, /^Return-Path: <sender@remote\.test>\r\nDelivered-To: alice@example\.org\r\n/m);
    assert.match(fetched, /Received: from client\.test/);
    assert.match(fetched, /Subject: through postfix\r\n/);
    assert.match(fetched, /Hello via Postfix\.\r\n/);
    t.diagnostic((await postfix.log()).split('\n').filter((l) => /status=/.test(l)).join('\n'));
    assert.match(await postfix.log(), /relay=127\.0\.0\.1\[127\.0\.0\.1\]:\d+.*status=sent \(250 2\.0\.0 <alice@example\.org> delivered/);
  } finally {
    await smtp?.close();
    await imap?.close();
    await postfix?.stop();
    await server.stop();
  }
});
