// imapflow (a real client library) against CONDSTORE and QRESYNC (RFC 7162): HIGHESTMODSEQ on open,
// FETCH (CHANGEDSINCE), VANISHED for another session's expunge, SELECT (QRESYNC ...) with
// VANISHED (EARLIER) and changed flags, and the same answers after a server restart.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ImapFlow, type ImapFlowOptions } from 'imapflow';
import { configFromObject } from '../../src/config/index.js';
import { startServer } from '../../src/server/index.js';
import { hashPassword } from '../../src/auth/password.js';

const USER = 'sync';
const PASS = 'sync-secret';

function note(i: number): string {
  return `From: a@example.org\r\nTo: b@example.org\r\nSubject: note ${i}\r\nMessage-ID: <n${i}@example.org>\r\n\r\nBody ${i}.\r\n`;
}

type Running = Awaited<ReturnType<typeof startServer>>;

async function boot(dataDir: string): Promise<Running> {
  const config = configFromObject({
    data_dir: dataDir,
    imap: { listen: ['127.0.0.1:0'], listen_tls: ['127.0.0.1:0'], plaintext_auth: 'always' },
    log: { level: 'error' },
  });
  return startServer(config);
}

interface Events {
  expunged: Array<{ uid?: number; vanished?: boolean; earlier?: boolean }>;
  flags: Array<{ uid?: number; modseq?: bigint; flags: Set<string> }>;
}

describe('imapflow with CONDSTORE and QRESYNC', () => {
  let dataDir: string;
  let server: Running;
  const clients: ImapFlow[] = [];

  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'postkeep-qresync-'));
    server = await boot(dataDir);
    const account = await server.store.createAccount(USER, await hashPassword(PASS));
    const inbox = await server.store.getMailbox(account.id, 'INBOX');
    assert.ok(inbox);
    for (let i = 1; i <= 4; i++) await server.store.appendMessage(inbox.id, { bytes: Buffer.from(note(i)), flags: [] });
  });
  after(async () => {
    for (const c of clients) {
      try {
        c.close();
      } catch {
        // already closed
      }
    }
    await server?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  function client(qresync: boolean, events?: Events): ImapFlow {
    const port = server.imap.plain[0]?.port;
    assert.ok(port);
    const c = new ImapFlow({ host: '127.0.0.1', port, secure: false, auth: { user: USER, pass: PASS }, logger: false, qresync, doSTARTTLS: false, tls: { rejectUnauthorized: false } } as ImapFlowOptions);
    c.on('error', () => undefined);
    if (events) {
      c.on('expunge', (e: Events['expunged'][number]) => events.expunged.push(e));
      c.on('flags', (e: Events['flags'][number]) => events.flags.push(e));
    }
    clients.push(c);
    return c;
  }

  let uidValidity = 0n;
  let modseqBefore = 0n;

  it('opens with HIGHESTMODSEQ and fetches only what changed since a MODSEQ', async () => {
    const events: Events = { expunged: [], flags: [] };
    const a = client(true, events);
    await a.connect();
    assert.ok(a.enabled.has('QRESYNC'));
    const box = await a.mailboxOpen('INBOX');
    assert.equal(typeof box.highestModseq, 'bigint');
    assert.ok((box.highestModseq ?? 0n) > 0n);
    uidValidity = BigInt(box.uidValidity);
    modseqBefore = box.highestModseq ?? 0n;

    const b = client(false);
    await b.connect();
    await b.mailboxOpen('INBOX');
    await b.messageFlagsAdd('2', ['\\Flagged'], { uid: true });
    await b.messageDelete('3', { uid: true });
    await b.logout();

    await a.noop();
    assert.deepEqual(
      events.expunged.map((e) => [e.uid, e.vanished, e.earlier]),
      [[3, true, false]],
    );
    const flagged = events.flags.find((f) => f.uid === 2);
    assert.ok(flagged?.flags.has('\\Flagged'));
    assert.ok((flagged?.modseq ?? 0n) > modseqBefore);

    const changed = await a.fetchAll('1:*', { uid: true, flags: true }, { uid: true, changedSince: modseqBefore });
    assert.deepEqual(
      changed.map((m) => [m.uid, [...(m.flags ?? [])], typeof m.modseq]),
      [[2, ['\\Flagged'], 'bigint']],
    );
    const none = await a.fetchAll('1:*', { uid: true, flags: true }, { uid: true, changedSince: a.mailbox ? (a.mailbox as { highestModseq?: bigint }).highestModseq ?? 0n : 0n });
    assert.equal(none.filter((m) => m.uid !== 2).length, 0);
    await a.logout();
  });

  async function resync(): Promise<Events & { highestModseq: bigint | undefined }> {
    const events: Events = { expunged: [], flags: [] };
    const c = client(true, events);
    await c.connect();
    const box = await c.mailboxOpen('INBOX', { uidValidity, changedSince: modseqBefore } as never);
    const out = { ...events, highestModseq: box.highestModseq };
    await c.logout();
    return out;
  }

  it('SELECT (QRESYNC ...) reports VANISHED (EARLIER) and the changed flags', async () => {
    const r = await resync();
    assert.deepEqual(
      r.expunged.map((e) => [e.uid, e.earlier]),
      [[3, true]],
    );
    assert.deepEqual(
      r.flags.map((f) => f.uid),
      [2],
    );
  });

  it('gives the same answers after a server restart (MODSEQs and the expunge log are persistent)', async () => {
    const before = await resync();
    await server.stop();
    server = await boot(dataDir);
    const afterRestart = await resync();
    assert.equal(afterRestart.highestModseq, before.highestModseq);
    assert.deepEqual(
      afterRestart.expunged.map((e) => [e.uid, e.earlier]),
      [[3, true]],
    );
    assert.deepEqual(
      afterRestart.flags.map((f) => f.uid),
      [2],
    );
  });
});
