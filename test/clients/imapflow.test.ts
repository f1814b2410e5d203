// A real client library (imapflow) runs a full session against the server: plain, implicit TLS and
// STARTTLS connections, mailbox management, APPEND, SEARCH, FETCH, flags, COPY, MOVE, expunge, IDLE.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ImapFlow, type ImapFlowOptions } from 'imapflow';
import { readFixture } from '../helpers/fixtures.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

const USER = 'flow';
const PASS = 'flow-secret';

function note(i: number): string {
  return `From: Flow Tester <flow@example.org>\r\nTo: someone@example.com\r\nSubject: note ${i}\r\nDate: Tue, 2 Jan 2024 10:00:00 +0000\r\nMessage-ID: <note${i}@example.org>\r\n\r\nThis is note number ${i}.\r\n`;
}

describe('imapflow', () => {
  let server: TestServer;
  const open: ImapFlow[] = [];
  before(async () => {
    server = await startTestServer();
    await server.addUser(USER, PASS);
  });
  after(async () => {
    for (const c of open) {
      try {
        c.close();
      } catch {
        // already closed
      }
    }
    await server?.stop();
  });

  function client(mode: 'plain' | 'tls' | 'starttls'): ImapFlow {
    const options = {
      host: '127.0.0.1',
      port: mode === 'tls' ? server.tlsPort : server.port,
      secure: mode === 'tls',
      auth: { user: USER, pass: PASS },
      logger: false,
      tls: { rejectUnauthorized: false },
      // not in the type declarations of 2.1.2, but honoured by the library
      doSTARTTLS: mode === 'starttls',
      connectionTimeout: 10_000,
      greetingTimeout: 10_000,
    } as ImapFlowOptions;
    const c = new ImapFlow(options);
    c.on('error', () => {
      // reported through the failing promise
    });
    open.push(c);
    return c;
  }

  it('full session over the plain port', async () => {
    const c = client('plain');
    await c.connect();
    assert.equal(c.authenticated !== false, true);

    const mailboxes = await c.list();
    const byUse = new Map(mailboxes.map((m) => [m.specialUse ?? '', m.path]));
    for (const use of ['\\Drafts', '\\Sent', '\\Trash', '\\Junk', '\\Archive']) {
      assert.ok(byUse.has(use), `LIST lacks a ${use} mailbox: ${JSON.stringify(mailboxes.map((m) => [m.path, m.specialUse]))}`);
    }
    assert.ok(mailboxes.some((m) => m.path === 'INBOX'));

    const created = await c.mailboxCreate(['Projects', 'Flow']);
    assert.equal(created.path, 'Projects/Flow');
    await c.mailboxCreate('Project Ünïcode');
    const names = (await c.list()).map((m) => m.path);
    assert.ok(names.includes('Projects/Flow') && names.includes('Projects') && names.includes('Project Ünïcode'), names.join(', '));

    const multipart = await readFixture('transcripts', 'multipart.eml');
    const a1 = await c.append('INBOX', note(1), ['\\Seen']);
    const a2 = await c.append('INBOX', multipart, [], new Date('2024-03-15T12:00:00Z'));
    const a3 = await c.append('INBOX', note(3), ['\\Flagged', '$Important']);
    assert.ok(a1 && a2 && a3);
    assert.deepEqual([a1.uid, a2.uid, a3.uid], [1, 2, 3], 'APPENDUID');

    const box = await c.mailboxOpen('INBOX');
    assert.equal(box.exists, 3);
    assert.ok(box.uidValidity > 0n);

    assert.deepEqual(await c.search({ seen: false }, { uid: true }), [2, 3]);
    assert.deepEqual(await c.search({ subject: 'holiday' }, { uid: true }), [2]);
    assert.deepEqual(await c.search({ flagged: true, keyword: '$Important' }, { uid: true }), [3]);
    assert.deepEqual(await c.search({ body: 'lighthouse' }, { uid: true }), [2]);
    assert.deepEqual(await c.search({ since: new Date("2024-03-01"), before: new Date("2024-04-01") }, { uid: true }), [2]);

    const msgs = await c.fetchAll('1:*', { uid: true, envelope: true, bodyStructure: true, flags: true, size: true, internalDate: true });
    assert.equal(msgs.length, 3);
    const m2 = msgs.find((m) => m.uid === 2);
    assert.ok(m2?.envelope && m2.bodyStructure);
    assert.equal(m2.envelope.subject, 'Fwd: Holiday photos');
    assert.equal(m2.envelope.from?.[0]?.address, 'bob@example.com');
    assert.equal(m2.size, multipart.length);
    assert.equal(m2.bodyStructure.type, 'multipart/mixed');
    assert.equal(m2.bodyStructure.childNodes?.length, 3);
    assert.equal(m2.bodyStructure.childNodes?.[2]?.type, 'application/pdf');
    assert.equal(new Date(m2.internalDate ?? 0).toISOString(), '2024-03-15T12:00:00.000Z');

    const src = await c.fetchOne('2', { source: true, bodyParts: ['1.1', '2.1.header', '3'] });
    assert.ok(src);
    assert.deepEqual(src.source, multipart);
    assert.equal(src.bodyParts?.get('1.1')?.toString(), 'Here are the photos from the lighthouse trip.\r\n');
    assert.match(src.bodyParts?.get('2.1.header')?.toString() ?? '', /^Message-ID: <orig\.photos@example\.net>\r\n[\s\S]*Subject: Photos from the lighthouse\r\n[\s\S]*\r\n\r\n$/);
    const dl = await c.download('2', '3');
    const chunks: Buffer[] = [];
    assert.ok(dl.content, "download returned content");
    for await (const chunk of dl.content) chunks.push(chunk as Buffer);
    assert.deepEqual(Buffer.concat(chunks), await readFixture('transcripts', 'itinerary.pdf.bin'));

    assert.ok(await c.messageFlagsAdd('1', ['\\Answered', '$Label1']));
    const f1 = await c.fetchOne('1', { flags: true });
    assert.ok(f1);
    assert.deepEqual([...(f1.flags ?? [])].sort(), ['$Label1', '\\Answered', '\\Seen']);
    assert.ok(await c.messageFlagsRemove('1', ['$Label1']));

    const copied = await c.messageCopy('1:2', 'Archive');
    assert.ok(copied);
    assert.deepEqual([...(copied.uidMap ?? new Map())], [
      [1, 1],
      [2, 2],
    ]);
    const moved = await c.messageMove('3', 'Projects/Flow', { uid: true });
    assert.ok(moved);
    assert.deepEqual([...(moved.uidMap ?? new Map())], [[3, 1]]);
    assert.equal(c.mailbox && c.mailbox.exists, 2);

    assert.ok(await c.messageDelete('1', { uid: true }));
    const left = await c.fetchAll('1:*', { uid: true });
    assert.deepEqual(left.map((m) => m.uid), [2]);

    const st = await c.status('Archive', { messages: true, unseen: true, uidNext: true });
    assert.equal(st && st.messages, 2);
    assert.equal(st && st.unseen, 1);
    assert.equal(st && st.uidNext, 3);
    const flowBox = await c.status('Projects/Flow', { messages: true });
    assert.equal(flowBox && flowBox.messages, 1);

    await c.mailboxRename('Project Ünïcode', 'Projects/Ünïcode');
    assert.ok((await c.list()).some((m) => m.path === 'Projects/Ünïcode'));
    await c.mailboxDelete('Projects/Ünïcode');
    await c.logout();
  });

  it('IDLE: a second client\'s APPEND arrives as an exists event', async () => {
    const watcher = client('tls');
    await watcher.connect();
    await watcher.mailboxOpen('INBOX');
    const before = watcher.mailbox ? watcher.mailbox.exists : 0;
    const existsEvent = new Promise<{ count: number; prevCount: number }>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no exists event within 5 s')), 5000);
      watcher.on('exists', (data: { count: number; prevCount: number }) => {
        clearTimeout(timer);
        resolve(data);
      });
    });
    const idling = watcher.idle();
    const writer = client('plain');
    await writer.connect();
    await writer.append('INBOX', note(9));
    const ev = await existsEvent;
    assert.equal(ev.count, before + 1);
    await writer.logout();
    await watcher.logout();
    await idling.catch(() => undefined);
  });

  it('STARTTLS upgrade on the plain port', async () => {
    const c = client('starttls');
    await c.connect();
    assert.ok(c.secureConnection, 'imapflow reports a secure connection after STARTTLS');
    const box = await c.mailboxOpen('Archive', { readOnly: true });
    assert.equal(box.exists, 2);
    await c.logout();
  });
});
