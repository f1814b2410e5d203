// One event loop serves every connection: a command that works through many messages hands it back
// now and then (src/imap/time-slice.ts), so another client's command is answered before it ends:
// FETCH between messages, SEARCH between body texts and batches of rows, STORE between the
// responses of its echo.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ImapClient, type Response, type TaggedResult } from '../../helpers/imap-client.js';
import { message, startTestImap, type TestImap } from './harness.js';

const MESSAGES = 3000;

let srv: TestImap;
before(async () => {
  srv = await startTestImap();
  const account = await srv.addUser('fair', 'secret');
  const inbox = await srv.store.getMailbox(account.id, 'INBOX');
  assert.ok(inbox);
  const inputs = Array.from({ length: MESSAGES }, (_, i) => ({ bytes: Buffer.from(message(`m${i}`, `Body number ${i}.`).replace(/\r?\n/g, '\r\n')), flags: [] }));
  for (let i = 0; i < inputs.length; i += 500) await srv.store.appendMessages(inbox.id, inputs.slice(i, i + 500));
});
after(async () => {
  await srv.stop();
  assert.deepEqual(srv.errors, [], 'no server errors were logged');
});

/** A (INBOX selected) sends `command` with `tag`; B, on its own connection, is answered a NOOP meanwhile.
 *  Returns what A had received when B's answer came, and A's tagged result. */
async function noopWhileAWorks(tag: string, command: string): Promise<{ seenByA: Response[]; done: TaggedResult }> {
  const a = await ImapClient.connect({ port: srv.port, name: 'A' });
  const b = await ImapClient.connect({ port: srv.port, name: 'B' });
  try {
    for (const c of [a, b]) await c.login('fair', 'secret');
    await a.ok('SELECT INBOX');
    a.sendLine(`${tag} ${command}`);
    await b.ok('NOOP');
    const seenByA = a.drain();
    return { seenByA, done: await a.readTagged(tag) };
  } finally {
    await a.close();
    await b.close();
  }
}

test('a NOOP on another connection is answered while a FETCH of 3000 headers runs', async () => {
  const { seenByA, done } = await noopWhileAWorks('f1', 'FETCH 1:* (BODY.PEEK[HEADER.FIELDS (SUBJECT)])');
  // Held until the FETCH was nearly done, B's answer came after 2295 of A's 3000 responses.
  assert.ok(seenByA.length < MESSAGES / 2, `B was answered early in A's FETCH (A had ${seenByA.length} of ${MESSAGES} responses)`);
  assert.equal(done.status, 'OK');
  const fetches = [...seenByA, ...done.untagged].filter((r) => / FETCH /.test(r.text));
  assert.equal(fetches.length, MESSAGES, 'every message still answered, in order');
  assert.match(fetches[MESSAGES - 1]?.text ?? '', new RegExp(`^\\* ${MESSAGES} FETCH`));
});

test('a NOOP on another connection is answered while a SEARCH BODY over 3000 messages runs', async () => {
  const { seenByA, done } = await noopWhileAWorks('s1', 'UID SEARCH BODY "number 2999."');
  assert.ok(!seenByA.some((r) => r.tag === 's1'), 'B was answered before A\'s SEARCH ended');
  assert.equal(done.status, 'OK');
  assert.deepEqual([...seenByA, ...done.untagged].map((r) => r.text), ['* SEARCH 3000']);
});

test('a NOOP on another connection is answered while the echo of a STORE on 3000 messages runs', async () => {
  const { seenByA, done } = await noopWhileAWorks('t1', 'STORE 1:* +FLAGS (\\Flagged)');
  assert.ok(seenByA.length < MESSAGES / 2, `B was answered early in A's STORE echo (A had ${seenByA.length} of ${MESSAGES} responses)`);
  assert.equal(done.status, 'OK');
  assert.equal([...seenByA, ...done.untagged].filter((r) => /^\* \d+ FETCH \(FLAGS \(.*\\Flagged/.test(r.text)).length, MESSAGES);
});
