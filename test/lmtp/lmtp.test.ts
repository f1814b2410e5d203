// LMTP conversations over a real socket (RFC 2033): per-recipient replies after DATA, unknown users
// refused at RCPT TO, quota and size limits, plus addressing, trace headers, durability before 250.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { startLmtp, type LmtpHarness } from './harness.js';
import { LmtpClient } from './lmtp-client.js';

const MESSAGE = 'From: sender@remote.test\r\nTo: alice@example.org\r\nSubject: hello\r\nMessage-ID: <1@remote.test>\r\n\r\nHello Alice.\r\n.leading dot\r\n';

async function withLmtp(body: (h: LmtpHarness, c: LmtpClient) => Promise<void>, config: Parameters<typeof startLmtp>[0] = {}): Promise<void> {
  const h = await startLmtp(config);
  let client: LmtpClient | undefined;
  try {
    client = await LmtpClient.open(h.port);
    const greeting = await client.reply();
    assert.equal(greeting.code, 220);
    assert.match(greeting.text, /LMTP/);
    const lhlo = await client.command('LHLO mta.test');
    assert.equal(lhlo.code, 250);
    await body(h, client);
  } finally {
    await client?.close();
    await h.stop();
  }
}

describe('LMTP', () => {
  test('LHLO advertises SIZE and ENHANCEDSTATUSCODES, neither STARTTLS nor AUTH; HELO/EHLO are refused', () =>
    withLmtp(async (_h, c) => {
      const lhlo = await c.command('LHLO mta.test');
      assert.match(lhlo.text, /^SIZE 4096$/m);
      assert.match(lhlo.text, /^ENHANCEDSTATUSCODES$/m);
      assert.match(lhlo.text, /^PIPELINING$/m);
      assert.doesNotMatch(lhlo.text, /STARTTLS|AUTH/);
      assert.equal((await c.command('EHLO mta.test')).code, 500);
    }));

  test('one reply per recipient: delivered, unknown (refused at RCPT), over quota, larger than the whole quota', () =>
    withLmtp(async (h, c) => {
      await h.account('alice');
      const carol = await h.account('carol');
      const dave = await h.account('dave');
      await h.store.setQuota(carol.id, { messages: 1 });
      const carolInbox = await h.store.getMailbox(carol.id, 'INBOX');
      assert.ok(carolInbox);
      await h.store.appendMessage(carolInbox.id, { bytes: Buffer.from('Subject: old\r\n\r\nold\r\n'), flags: [] });
      await h.store.setQuota(dave.id, { storage: 50 });

      assert.equal((await c.command('MAIL FROM:<sender@remote.test>')).code, 250);
      assert.match((await c.command('RCPT TO:<alice@example.org>')).line, /^250 2\.1\.5/);
      assert.match((await c.command('RCPT TO:<nobody@example.org>')).line, /^550 5\.1\.1 <nobody@example\.org>/);
      assert.match((await c.command('RCPT TO:<alice@elsewhere.test>')).line, /^550 5\.1\.1/, 'not a local domain');
      assert.equal((await c.command('RCPT TO:<carol@example.org>')).code, 250);
      assert.equal((await c.command('RCPT TO:<dave@EXAMPLE.org>')).code, 250);
      const { start, replies } = await c.data(MESSAGE, 3);
      assert.equal(start.code, 354);
      assert.match(replies[0]?.line ?? '', /^250 2\.0\.0 <alice@example\.org> delivered/);
      assert.match(replies[1]?.line ?? '', /^452 4\.2\.2 <carol@example\.org> mailbox over quota/);
      assert.match(replies[2]?.line ?? '', /^552 5\.2\.2 <dave@EXAMPLE\.org>/);
      assert.equal((await h.messages('alice')).length, 1);
      assert.equal((await h.messages('carol')).length, 1, 'only the old message');
      assert.equal((await h.messages('dave')).length, 0);
      // The connection goes on: a second transaction.
      assert.equal((await c.command('MAIL FROM:<>')).code, 250);
      assert.equal((await c.command('RCPT TO:<Alice@example.org>')).code, 250);
      const second = await c.data(MESSAGE, 1);
      assert.equal(second.replies[0]?.code, 250);
      const stored = await h.messages('alice');
      assert.ok(stored[1]?.toString('latin1').startsWith('Return-Path: <>\r\nDelivered-To: Alice@example.org\r\n'), 'null sender');
    }));

  test('the message is in the store, with Return-Path and Delivered-To, the moment 250 arrives', () =>
    withLmtp(async (h, c) => {
      await h.account('alice');
      await c.command('MAIL FROM:<sender@remote.test>');
      await c.command('RCPT TO:<alice@example.org>');
      const { replies } = await c.data(MESSAGE, 1);
      assert.equal(replies[0]?.code, 250);
      // No waiting of any kind between the reply and the read.
      const [stored] = await h.messages('alice');
      assert.ok(stored);
      assert.equal(
        stored.toString('latin1'),
        'Return-Path: <sender@remote.test>\r\nDelivered-To: alice@example.org\r\n' + MESSAGE,
        'trace fields in front, the rest byte for byte (dot-stuffing undone)',
      );
    }));

  test('plus addressing: into the named mailbox when it exists (any case), else INBOX', () =>
    withLmtp(async (h, c) => {
      const alice = await h.account('alice');
      await h.store.createMailbox(alice.id, 'Lists');
      await c.command('MAIL FROM:<sender@remote.test>');
      for (const rcpt of ['alice+lists@example.org', 'alice+nothere@example.org', 'alice+@example.org']) {
        assert.equal((await c.command(`RCPT TO:<${rcpt}>`)).code, 250, rcpt);
      }
      assert.match((await c.command('RCPT TO:<bob+x@example.org>')).line, /^550 5\.1\.1/);
      // smtp-server would merge a recipient differing only in case (and then under-reply): refused.
      assert.match((await c.command('RCPT TO:<ALICE+lists@example.org>')).line, /^451 4\.3\.0/);
      const { replies } = await c.data(MESSAGE, 3);
      assert.deepEqual(replies.map((r) => r.code), [250, 250, 250]);
      const lists = await h.messages('alice', 'Lists');
      assert.deepEqual(lists.map((m) => /^Delivered-To: (.*)$/m.exec(m.toString('latin1'))?.[1]?.trim()), ['alice+lists@example.org']);
      assert.equal((await h.messages('alice')).length, 2);
      await c.command('MAIL FROM:<sender@remote.test>');
      await c.command('RCPT TO:<alice+LISTS@example.org>');
      assert.equal((await c.data(MESSAGE, 1)).replies[0]?.code, 250);
      assert.equal((await h.messages('alice', 'Lists')).length, 2, 'the extension matches the mailbox in any case');
    }));

  test('plus_to_mailbox off: the extension is dropped and the mail goes to INBOX', () =>
    withLmtp(
      async (h, c) => {
        const alice = await h.account('alice');
        await h.store.createMailbox(alice.id, 'lists');
        await c.command('MAIL FROM:<sender@remote.test>');
        await c.command('RCPT TO:<alice-lists@other.test>');
        const { replies } = await c.data(MESSAGE, 1);
        assert.equal(replies[0]?.code, 250);
        assert.equal((await h.messages('alice')).length, 1);
        assert.equal((await h.messages('alice', 'lists')).length, 0);
      },
      { plusToMailbox: false, localDomains: [], recipientDelimiter: '+-' },
    ));

  test('over the size limit: 552 5.3.4 for every recipient, nothing stored, the session goes on', () =>
    withLmtp(async (h, c) => {
      await h.account('alice');
      await h.account('bob');
      assert.match((await c.command('MAIL FROM:<s@remote.test> SIZE=999999')).line, /^552/, 'declared SIZE refused up front');
      await c.command('MAIL FROM:<s@remote.test>');
      await c.command('RCPT TO:<alice@example.org>');
      await c.command('RCPT TO:<bob@example.org>');
      const { replies } = await c.data(MESSAGE + 'x'.repeat(5000) + '\r\n', 2);
      assert.deepEqual(replies.map((r) => r.line.slice(0, 9)), ['552 5.3.4', '552 5.3.4']);
      assert.equal((await h.messages('alice')).length, 0);
      await c.command('MAIL FROM:<s@remote.test>');
      await c.command('RCPT TO:<bob@example.org>');
      assert.equal((await c.data(MESSAGE, 1)).replies[0]?.code, 250);
    }));
});
