// Two sessions on one mailbox: what one does reaches the other (NOOP, IDLE within 100 ms), and
// EXPUNGE is held while a command uses sequence numbers (RFC 9051 §7.5.1).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ImapClient } from '../../helpers/imap-client.js';
import { message, startTestImap, type TestImap } from './harness.js';
import type { Account } from '../../../src/store/types.js';

let srv: TestImap;
let n = 0;
before(async () => {
  srv = await startTestImap();
});
after(async () => {
  await srv.stop();
  assert.deepEqual(srv.errors, [], 'no server errors were logged');
});

async function pair(): Promise<{ a: ImapClient; b: ImapClient; account: Account }> {
  const login = `p${++n}`;
  const account = await srv.addUser(login, 'secret');
  for (const s of ['one', 'two', 'three']) await srv.seed(account, 'INBOX', message(s));
  const a = await ImapClient.connect({ port: srv.port, name: 'A' });
  const b = await ImapClient.connect({ port: srv.port, name: 'B' });
  for (const c of [a, b]) {
    await c.login(login, 'secret');
    await c.ok('ENABLE IMAP4rev2');
    await c.ok('SELECT INBOX');
  }
  return { a, b, account };
}

test('NOOP brings EXISTS, EXPUNGE and FETCH FLAGS from the other session', async () => {
  const { a, b, account } = await pair();
  try {
    await a.ok('STORE 2 +FLAGS (\\Deleted)');
    await a.ok('STORE 3 +FLAGS (\\Flagged)');
    await a.ok('EXPUNGE');
    await srv.seed(account, 'INBOX', message('four'));
    const r = await b.ok('NOOP');
    assert.deepEqual(r.lines, ['* 2 EXPUNGE', '* 3 EXISTS', '* 2 FETCH (UID 3 FLAGS (\\Flagged))']);
    assert.deepEqual((await b.ok('FETCH 1:* UID')).lines, ['* 1 FETCH (UID 1)', '* 2 FETCH (UID 3)', '* 3 FETCH (UID 4)']);
    // A's own session hears the new message too, at its next command.
    assert.deepEqual((await a.ok('NOOP')).lines, ['* 3 EXISTS']);
  } finally {
    await a.close();
    await b.close();
  }
});

test('EXPUNGE is held during FETCH/STORE/SEARCH by number and sent after a UID command', async () => {
  const { a, b } = await pair();
  try {
    await a.ok('STORE 1 +FLAGS.SILENT (\\Deleted)');
    await a.ok('EXPUNGE');
    const f = await b.ok('FETCH 1:* (UID)');
    assert.ok(!f.lines.some((l) => l.includes('EXPUNGE')), f.lines.join('\n'));
    // The view heard of the expunge at the end of that FETCH: now message 1 is known to be gone.
    assert.deepEqual((await b.ok('FETCH 1:* (UID)')).lines, ['* 2 FETCH (UID 2)', '* 3 FETCH (UID 3)']);
    const s = await b.ok('STORE 2 +FLAGS (\\Seen)');
    assert.ok(!s.lines.some((l) => l.includes('EXPUNGE')));
    const u = await b.ok('UID FETCH 2 (UID)');
    assert.deepEqual(u.lines, ['* 2 FETCH (UID 2)', '* 1 EXPUNGE']);
  } finally {
    await a.close();
    await b.close();
  }
});

test('IDLE: the other session hears EXISTS, FETCH and EXPUNGE while idling, within 100 ms', async () => {
  const { a, b } = await pair();
  try {
    const tag = b.nextTag();
    b.sendLine(`${tag} IDLE`);
    assert.equal((await b.next()).text, '+ idling');
    let t0 = Date.now();
    await a.ok(['APPEND INBOX ', { literal: message('pushed') }]);
    assert.equal((await b.next(2000)).text, '* 4 EXISTS');
    assert.ok(Date.now() - t0 < 1000, 'EXISTS arrived promptly');
    t0 = Date.now();
    await a.ok('STORE 1 +FLAGS (\\Answered)');
    assert.equal((await b.next(2000)).text, '* 1 FETCH (UID 1 FLAGS (\\Answered))');
    const latency = Date.now() - t0;
    assert.ok(latency < 500, `flag change took ${latency} ms`);
    await a.ok('STORE 2 +FLAGS.SILENT (\\Deleted)');
    await b.next(2000); // the \Deleted flag
    await a.ok('EXPUNGE');
    assert.equal((await b.next(2000)).text, '* 2 EXPUNGE');
    b.sendLine('DONE');
    const done = await b.readTagged(tag);
    assert.equal(done.status, 'OK');
    assert.deepEqual(done.lines, []);
  } finally {
    await a.close();
    await b.close();
  }
});

test('IDLE ended by something other than DONE gets BAD', async () => {
  const { a, b } = await pair();
  try {
    const tag = b.nextTag();
    b.sendLine(`${tag} IDLE`);
    assert.equal((await b.next()).text, '+ idling');
    b.sendLine('NOOP');
    assert.match((await b.readTagged(tag)).tagged, /BAD/);
    await b.ok('NOOP');
  } finally {
    await a.close();
    await b.close();
  }
});

test("a session's own STORE needs no pull from the store; another session's change still does", async () => {
  const { a, b } = await pair();
  const store = srv.store as { changesSince: typeof srv.store.changesSince };
  const real = store.changesSince;
  let pulls = 0;
  store.changesSince = function (this: unknown, ...args: Parameters<typeof real>) {
    pulls++;
    return real.apply(this, args);
  };
  try {
    const own = await a.ok('STORE 1 +FLAGS (\\Flagged)');
    assert.deepEqual(own.lines, ['* 1 FETCH (FLAGS (\\Flagged))']);
    assert.equal(pulls, 0, 'own change taken in from the STORE result');
    const other = await b.ok('STORE 2 +FLAGS (\\Seen)');
    assert.ok(other.lines.includes('* 1 FETCH (UID 1 FLAGS (\\Flagged))'), other.lines.join('\n'));
    pulls = 0;
    assert.deepEqual((await a.ok('NOOP')).lines, ['* 2 FETCH (UID 2 FLAGS (\\Seen))']);
    assert.equal(pulls, 1);
  } finally {
    store.changesSince = real;
    await a.close();
    await b.close();
  }
});

/** Two sessions with INBOX selected in a new account of `count` messages, `flagsOf(i)` on message i. */
async function pairOver(count: number, flagsOf: (i: number) => string[]): Promise<{ a: ImapClient; b: ImapClient; account: Account; login: string }> {
  const login = `p${++n}`;
  const account = await srv.addUser(login, 'secret');
  for (let i = 1; i <= count; i++) await srv.seed(account, 'INBOX', message(`m${i}`), flagsOf(i));
  const a = await selectedInbox(login, 'A');
  const b = await selectedInbox(login, 'B').catch(async (err: unknown) => {
    await a.close();
    throw err;
  });
  return { a, b, account, login };
}

/** A new IMAP4rev2 session of `login` with INBOX selected. */
async function selectedInbox(login: string, name: string): Promise<ImapClient> {
  const c = await ImapClient.connect({ port: srv.port, name });
  try {
    await c.login(login, 'secret');
    await c.ok('ENABLE IMAP4rev2');
    await c.ok('SELECT INBOX');
  } catch (err) {
    await c.close();
    throw err;
  }
  return c;
}

/** The UIDs a UID SEARCH finds, as the ESEARCH ALL set ('' for none). */
async function uidsFound(c: ImapClient, criteria: string): Promise<string> {
  const line = (await c.ok(`UID SEARCH ${criteria}`)).lines.find((l) => l.startsWith('* ESEARCH')) ?? '';
  return /UID ALL (\S+)/.exec(line)?.[1] ?? '';
}

// Big enough that the few messages in the state are looked at alone (SelectedView.candidatesInState).
const MAILBOX = 100;

test('SEARCH DELETED finds \\Deleted set by this session, by the other and before SELECT, and not once cleared', async () => {
  const { a, b, account, login } = await pairOver(MAILBOX, () => []);
  let c: ImapClient | undefined;
  try {
    assert.equal(await uidsFound(b, 'DELETED'), '');
    await a.ok('STORE 1 +FLAGS.SILENT (\\Deleted)');
    await b.ok('NOOP');
    assert.equal(await uidsFound(b, 'DELETED'), '1');
    await b.ok('STORE 3 +FLAGS.SILENT (\\Deleted \\Seen)');
    assert.equal(await uidsFound(b, 'DELETED'), '1,3');
    assert.equal(await uidsFound(b, 'SEEN DELETED'), '3');
    assert.equal(await uidsFound(b, 'UNDELETED'), `2,4:${MAILBOX}`);
    await a.ok('STORE 1 -FLAGS.SILENT (\\Deleted)');
    await srv.seed(account, 'INBOX', message('one more'), ['\\Deleted']);
    await b.ok('NOOP');
    assert.equal(await uidsFound(b, 'DELETED'), `3,${MAILBOX + 1}`);
    // A session selecting now starts from the shared snapshot, whose list was carried forward.
    c = await selectedInbox(login, 'C');
    assert.equal(await uidsFound(c, 'DELETED'), `3,${MAILBOX + 1}`);
    const byNumber = await c.ok('SEARCH DELETED');
    assert.deepEqual(byNumber.lines, [`* ESEARCH (TAG "${byNumber.tag}") ALL 3,${MAILBOX + 1}`]);
  } finally {
    await a.close();
    await b.close();
    await c?.close();
  }
});

test('SEARCH UNSEEN in a mostly read mailbox follows \\Seen changes of both sessions', async () => {
  const { a, b } = await pairOver(MAILBOX, (i) => (i === 4 || i === 17 ? [] : ['\\Seen']));
  try {
    assert.equal(await uidsFound(b, 'UNSEEN'), '4,17');
    await a.ok('UID STORE 4 +FLAGS.SILENT (\\Seen)');
    await a.ok('UID STORE 9 -FLAGS.SILENT (\\Seen)');
    await b.ok('NOOP');
    assert.equal(await uidsFound(b, 'UNSEEN'), '9,17');
    await b.ok('UID STORE 17 +FLAGS.SILENT (\\Seen \\Flagged)');
    assert.equal(await uidsFound(b, 'UNSEEN'), '9');
    assert.equal(await uidsFound(b, 'FLAGGED UNSEEN'), '');
    await a.ok('NOOP');
    assert.equal(await uidsFound(a, 'UNSEEN'), '9');
  } finally {
    await a.close();
    await b.close();
  }
});
