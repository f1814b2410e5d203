// Two Postkeep nodes on one PostgreSQL database (README "Running several nodes"): an IMAP client in
// IDLE on node A hears about what happens through node B (LMTP delivery, IMAP APPEND, STORE,
// EXPUNGE) via LISTEN/NOTIFY, and POP3 on A copes with IMAP expunging on B. The cross-node latency
// is reported as a diagnostic; the target is 100 ms, the assertion a loose 1000 ms (shared CI machines).
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { hashPassword } from '../../src/auth/password.js';
import { configFromObject } from '../../src/config/index.js';
import { startServer } from '../../src/server/index.js';
import { ImapClient } from '../helpers/imap-client.js';
import { LmtpClient } from '../lmtp/lmtp-client.js';
import { Pop3Client } from '../pop3/client.js';
import { createTestDatabase, pgSkipReason, type TestDatabase } from '../store/postgres-helpers.js';

type Running = Awaited<ReturnType<typeof startServer>>;

interface Node {
  readonly server: Running;
  readonly imapPort: number;
  readonly pop3Port: number;
  readonly lmtpPort: number;
  readonly dataDir: string;
}

async function startNode(url: string): Promise<Node> {
  // data_dir only holds this node's self-signed certificate: the mail is in the database.
  const dataDir = await mkdtemp(join(tmpdir(), 'postkeep-node-'));
  const config = configFromObject({
    data_dir: dataDir,
    imap: { listen: ['127.0.0.1:0'], listen_tls: [] },
    pop3: { listen: ['127.0.0.1:0'], listen_tls: [] },
    lmtp: { listen: ['127.0.0.1:0'], local_domains: ['example.org'] },
    store: { kind: 'postgres', url, pool_size: 4 },
    log: { level: 'warn' },
  });
  const server = await startServer(config);
  const port = (list: ReadonlyArray<{ port: number }>): number => list[0]?.port ?? 0;
  return { server, imapPort: port(server.imap.plain), pop3Port: port(server.pop3.plain), lmtpPort: port(server.lmtp), dataDir };
}

async function stopNode(node: Node | undefined): Promise<void> {
  if (!node) return;
  await node.server.stop();
  await rm(node.dataDir, { recursive: true, force: true });
}

const skip = await pgSkipReason();
const USER = 'carol';
const PASS = 'carol-secret';
const msg = (n: number): string => `Subject: cluster ${n}\r\nMessage-ID: <c${n}.${process.pid}@test>\r\n\r\nbody ${n}\r\n`;

describe('two nodes on one PostgreSQL database', { skip: skip ?? false }, () => {
  let db: TestDatabase | undefined;
  let a: Node | undefined;
  let b: Node | undefined;

  before(async () => {
    db = await createTestDatabase();
    [a, b] = await Promise.all([startNode(db.url), startNode(db.url)]);
    await a.server.store.createAccount(USER, await hashPassword(PASS));
  });
  after(async () => {
    await stopNode(a);
    await stopNode(b);
    await db?.drop();
  });

  const imapOn = async (node: Node | undefined, name: string): Promise<ImapClient> => {
    assert.ok(node);
    const c = await ImapClient.connect({ port: node.imapPort, name });
    await c.login(USER, PASS);
    await c.ok('SELECT INBOX');
    return c;
  };

  test('IDLE on A sees LMTP delivery, APPEND, STORE and EXPUNGE made through B', async (t) => {
    assert.ok(a && b);
    const idler = await imapOn(a, 'A');
    const actor = await imapOn(b, 'B');
    const lmtp = await LmtpClient.open(b.lmtpPort);
    const latencies: Array<[string, number]> = [];
    try {
      idler.sendLine('i1 IDLE');
      await idler.waitFor((r) => r.tag === '+');
      await lmtp.reply();
      await lmtp.command('LHLO mta.test');

      /** Runs `act` on B and measures until A's IDLE shows `expected`, from B's answer (after the commit). */
      const measure = async (what: string, expected: RegExp, act: () => Promise<void>): Promise<void> => {
        let seenAt = 0;
        const seen = idler.waitFor((r) => expected.test(r.text), 5000).then(() => (seenAt = performance.now()));
        await act();
        const answeredAt = performance.now();
        await seen;
        latencies.push([what, Math.max(0, seenAt - answeredAt)]);
      };

      for (let i = 1; i <= 3; i++) {
        await measure(`LMTP delivery ${i}`, new RegExp(`^\\* ${i} EXISTS$`), async () => {
          await lmtp.command('MAIL FROM:<s@remote.test>');
          await lmtp.command(`RCPT TO:<${USER}@example.org>`);
          const { replies } = await lmtp.data(msg(i), 1);
          assert.equal(replies[0]?.code, 250);
        });
      }
      await measure('IMAP APPEND', /^\* 4 EXISTS$/, async () => {
        const body = msg(4);
        await actor.ok(`APPEND INBOX {${Buffer.byteLength(body)}+}\r\n${body}`);
      });
      await measure('IMAP STORE', /^\* 2 FETCH \(.*\\Flagged/, async () => {
        await actor.ok('STORE 2 +FLAGS (\\Flagged)');
      });
      await measure('IMAP EXPUNGE', /^\* 3 EXPUNGE$/, async () => {
        await actor.ok('STORE 3 +FLAGS.SILENT (\\Deleted)');
        await actor.ok('EXPUNGE');
      });

      idler.sendLine('DONE');
      assert.equal((await idler.readTagged('i1')).status, 'OK');
      // A's view agrees with the database after all of it.
      const fetched = await idler.ok('UID FETCH 1:* (FLAGS)');
      assert.equal(fetched.lines.filter((l) => l.includes('FETCH')).length, 3);

      const ms = latencies.map(([, v]) => v).sort((x, y) => x - y);
      t.diagnostic(`cross-node IDLE latency after B's answer (ms): ${latencies.map(([w, v]) => `${w} ${v.toFixed(1)}`).join(', ')}`);
      t.diagnostic(`median ${(ms[Math.floor(ms.length / 2)] ?? 0).toFixed(1)} ms, max ${(ms.at(-1) ?? 0).toFixed(1)} ms (target 100 ms)`);
      for (const [what, v] of latencies) assert.ok(v < 1000, `${what}: ${v} ms`);
    } finally {
      await lmtp.close();
      await actor.close();
      await idler.close();
    }
  });

  test('POP3 on A while IMAP on B expunges: the expunged message answers -ERR, the rest is served', async () => {
    assert.ok(a && b);
    const imap = await imapOn(b, 'B');
    const pop = await Pop3Client.connect({ port: a.pop3Port });
    try {
      // Start from a known INBOX: empty it through B, then three messages.
      await imap.ok('STORE 1:* +FLAGS.SILENT (\\Deleted)');
      await imap.ok('EXPUNGE');
      for (const n of [11, 12, 13]) {
        const body = msg(n);
        await imap.ok(`APPEND INBOX {${Buffer.byteLength(body)}+}\r\n${body}`);
      }
      await imap.ok('NOOP');
      await pop.login(USER, PASS);
      assert.match(await pop.cmd('STAT'), /^\+OK 3 /);
      await imap.ok('STORE 2 +FLAGS.SILENT (\\Deleted)');
      await imap.ok('EXPUNGE');
      assert.equal(await pop.cmd('RETR 2'), '-ERR Message 2 was deleted by another session');
      const first = await pop.multi('RETR 1');
      assert.ok(first.lines.join('\n').includes('Subject: cluster 11'));
      assert.match(await pop.cmd('DELE 3'), /^\+OK/);
      assert.match(await pop.quit(), /^\+OK/);
      // The POP3 deletion on A reaches B's selected session.
      const noop = await imap.ok('NOOP');
      assert.ok(noop.lines.some((l) => /^\* \d+ EXPUNGE$/.test(l)), noop.lines.join('\n'));
    } finally {
      pop.close();
      await imap.close();
    }
  });
});
