// Two sessions on the same mailbox: updates at NOOP, updates during IDLE (with latency recorded), and
// interleaved STORE/EXPUNGE from both sides never confusing sequence numbers (RFC 9051 5.5, 7.5.1).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ImapClient, parseFetch, type Response, type TaggedResult } from '../helpers/imap-client.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

const PASS = 'two-sessions';

function msg(i: number): string {
  return `From: sender${i}@example.com\r\nTo: rcpt@example.org\r\nSubject: message ${i}\r\nMessage-ID: <c${i}@example.com>\r\n\r\nBody of message ${i}.\r\n`;
}

/** A session's idea of its MSN -> UID mapping, kept up to date from the responses it receives. */
class View {
  uids: number[] = [];
  readonly errors: string[] = [];
  constructor(readonly name: string) {}

  apply(responses: readonly Response[]): void {
    for (const r of responses) {
      let m: RegExpExecArray | null;
      if ((m = /^\* (\d+) EXPUNGE$/i.exec(r.text))) {
        const n = Number(m[1]);
        if (n < 1 || n > this.uids.length) this.errors.push(`${this.name}: EXPUNGE ${n} with only ${this.uids.length} messages`);
        else this.uids.splice(n - 1, 1);
      } else if ((m = /^\* (\d+) EXISTS$/i.exec(r.text))) {
        const n = Number(m[1]);
        if (n < this.uids.length) this.errors.push(`${this.name}: EXISTS ${n} went below the known ${this.uids.length} messages`);
        while (this.uids.length < n) this.uids.push(-1); // unknown until fetched
      } else {
        const f = parseFetch(r);
        if (!f) continue;
        if (f.seq < 1 || f.seq > this.uids.length) {
          this.errors.push(`${this.name}: FETCH for message ${f.seq} with only ${this.uids.length} messages: ${r.text}`);
          continue;
        }
        const uid = f.items.get('UID');
        if (uid !== undefined) {
          const known = this.uids[f.seq - 1];
          if (known === -1) this.uids[f.seq - 1] = Number(uid);
          else if (known !== Number(uid)) this.errors.push(`${this.name}: FETCH says ${f.seq} is UID ${uid}, the view says ${known}: ${r.text}`);
        }
      }
    }
  }
}

async function run(c: ImapClient, v: View, command: string): Promise<TaggedResult> {
  const r = await c.cmd(command);
  v.apply(r.untagged);
  return r;
}

describe('two concurrent sessions', () => {
  let server: TestServer;
  const clients: ImapClient[] = [];
  before(async () => {
    server = await startTestServer();
  });
  after(async () => {
    for (const c of clients) await c.close();
    await server?.stop();
  });

  async function open(user: string, name: string): Promise<ImapClient> {
    const c = await ImapClient.connect({ port: server.port, name });
    clients.push(c);
    await c.login(user, PASS);
    return c;
  }

  it('B sees A\'s APPEND, STORE and EXPUNGE at NOOP', async () => {
    const user = 'noop';
    await server.addUser(user, PASS);
    for (let i = 1; i <= 3; i++) await server.seed(user, 'INBOX', msg(i));
    const a = await open(user, 'A');
    const b = await open(user, 'B');
    await a.ok('SELECT INBOX');
    await b.ok('SELECT INBOX');

    await a.ok(['APPEND INBOX ', { literal: msg(4), nonSync: true }]);
    let r = await b.ok('NOOP');
    assert.ok(r.lines.includes('* 4 EXISTS'), `B after A's APPEND:\n${b.transcript(10)}`);

    await a.ok('STORE 1 +FLAGS (\\Flagged)');
    r = await b.ok('NOOP');
    assert.ok(
      r.lines.some((l) => /^\* 1 FETCH \((UID 1 )?FLAGS \(([^)]*)\\Flagged([^)]*)\)( UID 1)?\)$/.test(l)),
      `B after A's STORE:\n${b.transcript(10)}`,
    );

    await a.ok('STORE 2 +FLAGS.SILENT (\\Deleted)');
    await a.ok('EXPUNGE');
    r = await b.ok('NOOP');
    assert.ok(r.lines.includes('* 2 EXPUNGE'), `B after A's EXPUNGE:\n${b.transcript(10)}`);
    const fa = await a.ok('FETCH 1:* UID');
    const fb = await b.ok('FETCH 1:* UID');
    assert.deepEqual(fb.lines, fa.lines);
    assert.deepEqual(fb.lines, ['* 1 FETCH (UID 1)', '* 2 FETCH (UID 3)', '* 3 FETCH (UID 4)']);
  });

  it('B in IDLE hears about A\'s APPEND (EXISTS) and STORE (FETCH FLAGS) promptly', async (t) => {
    const user = 'idler';
    await server.addUser(user, PASS);
    await server.seed(user, 'INBOX', msg(1));
    const a = await open(user, 'A');
    const b = await open(user, 'B');
    await a.ok('SELECT INBOX');
    await b.ok('SELECT INBOX');
    b.sendLine('idle1 IDLE');
    await b.waitFor((r) => r.tag === '+');

    let sent = Date.now();
    const appendDone = a.ok(['APPEND INBOX ', { literal: msg(2), nonSync: true }]);
    const exists = await b.waitFor((r) => /^\* 2 EXISTS$/.test(r.text), 5000);
    const existsLatency = Date.now() - sent;
    const appendOk = await appendDone;
    void appendOk;
    const sinceOk = Date.now() - sent;
    void exists;

    sent = Date.now();
    const storeDone = a.ok('STORE 1 +FLAGS (\\Answered)');
    const flags = await b.waitFor((r) => /^\* 1 FETCH \(.*\\Answered/.test(r.text), 5000);
    const flagsLatency = Date.now() - sent;
    await storeDone;
    void flags;

    t.diagnostic(`IDLE latency (command sent by A -> line received by B): EXISTS ${existsLatency} ms (APPEND round trip ${sinceOk} ms), FETCH FLAGS ${flagsLatency} ms`);
    assert.ok(existsLatency < 1000, `EXISTS during IDLE took ${existsLatency} ms`);
    assert.ok(flagsLatency < 1000, `FETCH FLAGS during IDLE took ${flagsLatency} ms`);

    // and an EXPUNGE during IDLE
    await a.ok('STORE 1 +FLAGS.SILENT (\\Deleted)');
    await a.ok('EXPUNGE');
    await b.waitFor((r) => /^\* 1 EXPUNGE$/.test(r.text), 5000);
    b.sendLine('DONE');
    const done = await b.readTagged('idle1');
    assert.equal(done.status, 'OK', done.tagged);
    const fb = await b.ok('FETCH 1:* UID');
    assert.deepEqual(fb.lines, ['* 1 FETCH (UID 2)']);
  });

  it('interleaved STOREs and EXPUNGEs from both sessions keep each MSN -> UID mapping right', async () => {
    const user = 'interleave';
    await server.addUser(user, PASS);
    const N = 24;
    for (let i = 1; i <= N; i++) await server.seed(user, 'INBOX', msg(i));
    const a = await open(user, 'A');
    const b = await open(user, 'B');
    const va = new View('A');
    const vb = new View('B');
    for (const [c, v] of [
      [a, va],
      [b, vb],
    ] as const) {
      await run(c, v, 'SELECT INBOX');
      await run(c, v, 'FETCH 1:* UID');
      assert.deepEqual(
        v.uids,
        Array.from({ length: N }, (_, i) => i + 1),
      );
    }
    // deterministic pseudo-random sequence (LCG)
    let seed = 12345;
    const rnd = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    /** keyword -> the UID the session meant to flag (checked at the end when that UID still exists) */
    const intended: Array<[string, number]> = [];
    for (let step = 0; step < 60; step++) {
      const [c, v] = rnd(2) === 0 ? ([a, va] as const) : ([b, vb] as const);
      if (v.uids.length === 0) break;
      const op = rnd(6);
      const n = 1 + rnd(v.uids.length);
      const uid = v.uids[n - 1] ?? -1;
      if (op <= 1) {
        // STORE by sequence number: must hit the UID the session sees at that number
        const kw = `k${step}`;
        const r = await run(c, v, `STORE ${n} +FLAGS (${kw})`);
        if (r.status === 'OK') intended.push([kw, uid]);
      } else if (op === 2) {
        const kw = `u${step}`;
        await run(c, v, `UID STORE ${uid} +FLAGS.SILENT (${kw})`);
        intended.push([kw, uid]);
      } else if (op === 3) {
        await run(c, v, `STORE ${n} +FLAGS.SILENT (\\Deleted)`);
        await run(c, v, 'EXPUNGE');
      } else if (op === 4) {
        await run(c, v, `UID STORE ${uid} +FLAGS.SILENT (\\Deleted)`);
        await run(c, v, `UID EXPUNGE ${uid}`);
      } else {
        const r = await run(c, v, `FETCH ${n} (UID FLAGS)`);
        const f = r.untagged.map(parseFetch).find((x) => x !== null && x.seq === n);
        if (f && f.items.get('UID') !== undefined) {
          assert.equal(Number(f.items.get('UID')), uid, `${v.name}: FETCH ${n} returned another UID\n${c.transcript(30)}`);
        }
      }
      assert.deepEqual([...va.errors, ...vb.errors], [], `${c.transcript(30)}`);
    }
    for (const [c, v] of [
      [a, va],
      [b, vb],
    ] as const) {
      await run(c, v, 'NOOP');
      const r = await run(c, v, 'FETCH 1:* (UID)');
      const server = r.untagged.map(parseFetch).filter((x) => x !== null).map((f) => Number(f.items.get('UID')));
      assert.deepEqual(server, v.uids, `${v.name}: the MSN -> UID mapping built from the responses differs from the server's\n${c.transcript(40)}`);
    }
    assert.deepEqual(va.uids, vb.uids, 'after NOOP both sessions agree');
    assert.deepEqual([...va.errors, ...vb.errors], []);
    // each keyword landed on the UID its session meant
    const c = await open(user, 'C');
    await c.ok('EXAMINE INBOX');
    const all = await c.ok('UID FETCH 1:* (FLAGS)');
    const flagsByUid = new Map<number, string>();
    for (const u of all.untagged) {
      const f = parseFetch(u);
      if (f) flagsByUid.set(Number(f.items.get('UID')), f.items.get('FLAGS') ?? '');
    }
    for (const [kw, uid] of intended) {
      const fl = flagsByUid.get(uid);
      if (fl === undefined) continue; // expunged since
      assert.ok(new RegExp(`(^|[ (])${kw}([ )]|$)`, 'i').test(fl), `keyword ${kw} was meant for UID ${uid}, which has ${fl}`);
      for (const [other, f2] of flagsByUid) {
        if (other !== uid) assert.ok(!new RegExp(`(^|[ (])${kw}([ )]|$)`, 'i').test(f2), `keyword ${kw} meant for UID ${uid} landed on UID ${other}`);
      }
    }
  });
});
