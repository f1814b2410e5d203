// A POP3 and an IMAP session on the same INBOX at once: expunges cross both ways, UIDL equals the
// IMAP identity (UIDVALIDITY.UID) and stays the same across sessions and IMAP activity.
import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ImapClient } from '../helpers/imap-client.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { Pop3Client } from './client.js';

const USER = 'both';
const PASS = 'both-secret';
const msg = (n: number): string => `Subject: m${n}\r\nMessage-ID: <m${n}@test>\r\n\r\nbody ${n}\r\n`;

describe('POP3 and IMAP on the same mailbox', () => {
  let server: TestServer;
  let inboxId: number;
  before(async () => {
    server = await startTestServer();
    const account = await server.addUser(USER, PASS);
    inboxId = (await server.store.getMailbox(account.id, 'INBOX'))!.id;
  });
  after(async () => {
    await server?.stop();
  });
  beforeEach(async () => {
    // Empty INBOX, then three fresh messages.
    const uids = (await server.store.listMessages(inboxId)).map((m) => m.uid);
    if (uids.length > 0) {
      await server.store.storeFlags(inboxId, uids, 'add', ['\\Deleted']);
      await server.store.expunge(inboxId, uids);
    }
    for (const n of [1, 2, 3]) await server.seed(USER, 'INBOX', msg(n));
  });

  const pop = async (): Promise<Pop3Client> => {
    const c = await Pop3Client.connect({ port: server.pop3Port });
    await c.login(USER, PASS);
    return c;
  };
  const imap = async (): Promise<ImapClient> => {
    const c = await ImapClient.connect({ port: server.port, name: 'I' });
    await c.login(USER, PASS);
    await c.ok('SELECT INBOX');
    return c;
  };

  it('IMAP expunges a message the POP3 session listed: RETR and TOP answer -ERR, the rest works', async () => {
    const p = await pop();
    const i = await imap();
    try {
      assert.match(await p.cmd('STAT'), /^\+OK 3 /);
      await i.ok('STORE 2 +FLAGS.SILENT (\\Deleted)');
      await i.ok('EXPUNGE');
      assert.equal(await p.cmd('RETR 2'), '-ERR Message 2 was deleted by another session');
      assert.equal(await p.cmd('TOP 2 0'), '-ERR Message 2 was deleted by another session');
      // Message numbers stay as they were at login (RFC 1939 §5).
      assert.match(await p.cmd('STAT'), /^\+OK 3 /);
      const r = await p.multi('RETR 3');
      assert.match(r.status, /^\+OK \d+ octets$/);
      assert.deepEqual(r.lines, ['Subject: m3', 'Message-ID: <m3@test>', '', 'body 3']);
      // DELE of the vanished one is harmless; QUIT expunges message 1 only.
      assert.equal(await p.cmd('DELE 2'), '+OK Message 2 deleted');
      assert.equal(await p.cmd('DELE 1'), '+OK Message 1 deleted');
      assert.match(await p.quit(), /^\+OK .*\(2 deleted, 1 left\)$/);
      // RETR 3 set \Seen, which the IMAP session hears about too.
      const noop = await i.ok('NOOP');
      assert.equal(noop.lines.length, 2, noop.lines.join('\n'));
      assert.equal(noop.lines[0], '* 1 EXPUNGE');
      assert.match(noop.lines[1] ?? '', /^\* 1 FETCH \(UID 3 FLAGS \(\\Seen( \\Recent)?\)\)$/);
      const left = await server.store.listMessages(inboxId);
      assert.equal(left.length, 1);
    } finally {
      p.close();
      await i.close();
    }
  });

  it('POP3 DELE + QUIT: the IMAP session sees EXPUNGE for exactly those messages; RSET-ed marks stay', async () => {
    const i = await imap();
    const p = await pop();
    try {
      assert.equal(await p.cmd('DELE 1'), '+OK Message 1 deleted');
      assert.equal(await p.cmd('DELE 2'), '+OK Message 2 deleted');
      assert.match(await p.cmd('RSET'), /^\+OK/);
      assert.equal(await p.cmd('DELE 3'), '+OK Message 3 deleted');
      assert.equal(await p.cmd('DELE 1'), '+OK Message 1 deleted');
      // Nothing happens before QUIT.
      assert.deepEqual((await i.ok('NOOP')).lines, []);
      assert.match(await p.quit(), /^\+OK .*\(2 deleted, 1 left\)$/);
      const noop = await i.ok('NOOP');
      assert.deepEqual(noop.lines, ['* 3 EXPUNGE', '* 1 EXPUNGE']);
      const fetch = await i.ok('FETCH 1 (BODY.PEEK[HEADER.FIELDS (SUBJECT)])');
      assert.match(fetch.lines.join('\n'), /Subject: m2/);
    } finally {
      p.close();
      await i.close();
    }
  });

  it('a message flagged \\Deleted in IMAP but not marked by DELE is not expunged by POP3 QUIT', async () => {
    const i = await imap();
    const p = await pop();
    try {
      await i.ok('STORE 3 +FLAGS.SILENT (\\Deleted)');
      assert.equal(await p.cmd('DELE 1'), '+OK Message 1 deleted');
      await p.quit();
      assert.deepEqual((await i.ok('NOOP')).lines, ['* 1 EXPUNGE']);
      assert.equal((await server.store.listMessages(inboxId)).length, 2);
    } finally {
      p.close();
      await i.close();
    }
  });

  it('UIDL is UIDVALIDITY.UID, the same in every session and after IMAP activity', async () => {
    const account = await server.store.findAccount(USER);
    const inbox = await server.store.getMailbox(account!.id, 'INBOX');
    const uids = (await server.store.listMessages(inboxId)).map((m) => m.uid);
    const p1 = await pop();
    const first = (await p1.multi('UIDL')).lines;
    assert.deepEqual(first, uids.map((uid, k) => `${k + 1} ${inbox!.uidValidity}.${uid}`));
    await p1.quit();

    // IMAP: read, flag, append, expunge the first message.
    const i = await imap();
    try {
      await i.ok('FETCH 1:* (BODY[])');
      await i.ok('STORE 2 +FLAGS (\\Flagged $Label1)');
      await i.ok(['APPEND INBOX ', { literal: msg(4), nonSync: true }]);
      await i.ok('STORE 1 +FLAGS.SILENT (\\Deleted)');
      await i.ok('EXPUNGE');
    } finally {
      await i.close();
    }
    const p2 = await pop();
    const second = (await p2.multi('UIDL')).lines;
    await p2.quit();
    const ids = (lines: string[]): string[] => lines.map((l) => l.split(' ')[1] ?? '');
    // Messages 2 and 3 keep their ids; message 1 is gone; the new message has a new id.
    assert.deepEqual(ids(second).slice(0, 2), ids(first).slice(1));
    assert.equal(second.length, 3);
    assert.ok(!ids(first).includes(ids(second)[2] ?? ''));
    // A third POP3 session agrees.
    const p3 = await pop();
    assert.deepEqual((await p3.multi('UIDL')).lines, second);
    await p3.quit();
  });
});
