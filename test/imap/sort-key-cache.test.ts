// The process's cache of SORT keys (src/imap/sort-key-cache.ts): its bookkeeping on its own, then
// end to end: a repeated SORT reads no message from the store, a new message is the only one read,
// and answers stay right across APPEND, EXPUNGE and other sessions.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SortKeyCache } from '../../src/imap/sort-key-cache.js';
import { ImapClient } from '../helpers/imap-client.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

describe('SortKeyCache', () => {
  it('gives the same table to later callers while UIDVALIDITY holds, a new one after it changed', () => {
    const cache = new SortKeyCache();
    const table = cache.table(1, 100, 'SUBJECT');
    table.set(5, 'lunch');
    assert.equal(cache.table(1, 100, 'SUBJECT').get(5), 'lunch');
    assert.equal(cache.table(1, 100, 'DATE').size, 0);
    assert.equal(cache.table(1, 101, 'SUBJECT').size, 0);
  });

  it('evicts the least recently used mailboxes beyond its bound, never the one in use', () => {
    const cache = new SortKeyCache(10);
    const fill = (mailbox: number, n: number): void => {
      const t = cache.table(mailbox, 1, 'DATE');
      for (let uid = 1; uid <= n; uid++) t.set(uid, uid);
      cache.grew(mailbox, n, () => true);
    };
    fill(1, 4);
    fill(2, 4);
    cache.table(1, 1, 'DATE'); // mailbox 1 used again: 2 is now the oldest
    fill(3, 4);
    assert.equal(cache.cachedKeys, 8);
    assert.equal(cache.table(1, 1, 'DATE').size, 4);
    assert.equal(cache.table(2, 1, 'DATE').size, 0);
    fill(4, 12);
    assert.equal(cache.cachedKeys, 12, 'alone over the bound, the mailbox in use stays');
  });

  it("drops expunged messages' keys once a table holds far more than the mailbox", () => {
    const cache = new SortKeyCache();
    const t = cache.table(1, 1, 'FROM');
    for (let uid = 1; uid <= 3000; uid++) t.set(uid, `u${uid}`);
    cache.grew(1, 2000, () => true);
    assert.equal(t.size, 3000, 'within half again the mailbox plus slack: kept');
    cache.grew(1, 100, (uid) => uid <= 100);
    assert.equal(t.size, 100);
    assert.equal(cache.cachedKeys, 100);
  });
});

describe('SORT through the key cache', () => {
  let server: TestServer;
  let a: ImapClient;
  let b: ImapClient;
  /** Store reads of message parts, by reader. */
  const reads = { dates: 0, envelopes: 0, summaries: 0, uids: [] as number[] };

  const message = (subject: string, date: string, from: string, extra = ''): string =>
    `From: ${from}\r\nTo: x@example.org\r\nSubject: ${subject}\r\nDate: ${date}\r\n${extra}\r\nbody\r\n`;

  before(async () => {
    server = await startTestServer();
    await server.addUser('sorter', 'sorter-pw');
    await server.seed('sorter', 'INBOX', message('Banana', 'Mon, 3 Jun 2024 10:00:00 +0000', 'carol@example.org', 'Message-ID: <b@x>\r\n'));
    await server.seed('sorter', 'INBOX', message('Re: apple', 'Sat, 1 Jun 2024 10:00:00 +0000', 'alice@example.org', 'In-Reply-To: <c@x>\r\n'));
    await server.seed('sorter', 'INBOX', message('Cherry', 'Sun, 2 Jun 2024 10:00:00 +0000', 'bob@example.org', 'Message-ID: <c@x>\r\n'));
    // Count what SORT reads (the store instance is the server's own).
    const store = server.store as unknown as Record<string, (box: number, uids: readonly number[]) => Promise<unknown>>;
    for (const [name, counter] of [
      ['getSentDates', 'dates'],
      ['getEnvelopes', 'envelopes'],
      ['getSummaries', 'summaries'],
    ] as const) {
      const original = store[name];
      if (!original) continue;
      store[name] = (box, uids) => {
        reads[counter]++;
        reads.uids.push(...uids);
        return original.call(server.store, box, uids);
      };
    }
    a = await ImapClient.connect({ port: server.port, name: 'A' });
    await a.login('sorter', 'sorter-pw');
    await a.ok('SELECT INBOX');
    b = await ImapClient.connect({ port: server.port, name: 'B' });
    await b.login('sorter', 'sorter-pw');
    await b.ok('SELECT INBOX');
  });

  after(async () => {
    await a.close();
    await b.close();
    await server.stop();
  });

  const reset = (): void => {
    reads.dates = reads.envelopes = reads.summaries = 0;
    reads.uids = [];
  };
  const sortLine = async (client: ImapClient, command: string): Promise<string | undefined> =>
    (await client.ok(command)).lines.find((l) => l.startsWith('* SORT') || l.startsWith('* THREAD'));

  it('reads the messages once; the same SORT again, from another session too, reads none', async () => {
    reset();
    assert.equal(await sortLine(a, 'UID SORT (SUBJECT) UTF-8 ALL'), '* SORT 2 1 3');
    assert.deepEqual(reads.uids.sort(), [1, 2, 3]);
    reset();
    assert.equal(await sortLine(b, 'UID SORT (SUBJECT) UTF-8 ALL'), '* SORT 2 1 3');
    assert.equal(await sortLine(a, 'UID SORT (REVERSE SUBJECT) UTF-8 ALL'), '* SORT 3 1 2');
    assert.deepEqual(reads.uids, []);
  });

  it('keeps each key apart: DATE is read once, then cached as well', async () => {
    reset();
    assert.equal(await sortLine(a, 'UID SORT (DATE) UTF-8 ALL'), '* SORT 2 3 1');
    assert.equal(reads.uids.length, 3);
    reset();
    assert.equal(await sortLine(a, 'UID SORT (DATE SUBJECT) UTF-8 ALL'), '* SORT 2 3 1');
    assert.equal(await sortLine(a, 'UID THREAD ORDEREDSUBJECT UTF-8 ALL'), '* THREAD (2)(3)(1)');
    assert.deepEqual(reads.uids, []);
  });

  it('THREAD=REFERENCES keeps what it read of each message too', async () => {
    reset();
    assert.equal(await sortLine(a, 'UID THREAD REFERENCES UTF-8 ALL'), '* THREAD (3 2)(1)');
    assert.equal(reads.uids.length, 3);
    reset();
    assert.equal(await sortLine(b, 'UID THREAD REFERENCES UTF-8 ALL'), '* THREAD (3 2)(1)');
    assert.equal(await sortLine(b, 'UID THREAD REFERENCES UTF-8 UID 1:2'), '* THREAD (2)(1)');
    assert.deepEqual(reads.uids, []);
  });

  it('reads only a new message, and sorts it in; an expunged one leaves the answer', async () => {
    await b.ok(['APPEND INBOX ', { literal: message('Aardvark', 'Tue, 4 Jun 2024 10:00:00 +0000', 'dave@example.org') }]);
    await a.ok('NOOP');
    reset();
    assert.equal(await sortLine(a, 'UID SORT (SUBJECT) UTF-8 ALL'), '* SORT 4 2 1 3');
    assert.deepEqual(reads.uids, [4]);
    await b.ok('UID STORE 2 +FLAGS (\\Deleted)');
    await b.ok('EXPUNGE');
    reset();
    assert.equal(await sortLine(b, 'UID SORT (SUBJECT) UTF-8 ALL'), '* SORT 4 1 3');
    assert.equal(await sortLine(b, 'SORT (SUBJECT) UTF-8 ALL'), '* SORT 3 1 2');
    assert.deepEqual(reads.uids, []);
  });
});
