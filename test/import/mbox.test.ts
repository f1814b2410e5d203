import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createWriteStream, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { once } from 'node:events';
import { mboxSource } from '../../src/import/mbox-source.js';
import { contents, importInto, openStore, tempDir } from './helpers.js';

const D1 = new Date(2024, 0, 4, 10, 20, 0).getTime();
const D2 = new Date(2023, 11, 31, 23, 59, 59).getTime();

const INBOX =
  'From alice@example.com Thu Jan  4 10:20:00 2024\n' +
  'Subject: one\nStatus: RO\nX-Status: AF\nX-Keywords: $Label1\nContent-Length: 42\n\n>From the archive\nbye\n\n' +
  'From bob@example.com Sun Dec 31 23:59:59 2023\n' +
  'Subject: two\nStatus: O\n\nplain\n\n';

test('import a directory of mbox files: folders, From_ dates, Status flags, stripped headers; idempotent', async () => {
  const root = tempDir();
  writeFileSync(join(root, 'inbox'), INBOX);
  mkdirSync(join(root, 'Lists.sbd'));
  writeFileSync(join(root, 'Lists.sbd', 'node.mbox'), 'From - Sun Dec 31 23:59:59 2023\nX-Mozilla-Status: 0001\nSubject: tb\n\nx\n\n');
  writeFileSync(join(root, 'Lists.msf'), '// index, not mail');
  writeFileSync(join(root, 'Trash'), ''); // Thunderbird's empty folder file
  writeFileSync(join(root, 'notes.txt'), 'just text\n');

  const store = await openStore();
  const notes: string[] = [];
  const first = await importInto(store, 'alice', await mboxSource(root, 1 << 20, null), notes);
  assert.deepEqual([first.imported, first.duplicates, first.failed], [3, 0, 0]);
  assert.equal(notes.length, 1);
  assert.match(notes[0] ?? '', /not an mbox file .*notes\.txt/);
  const got = await contents(store, 'alice');
  assert.deepEqual(got['INBOX'], [
    { bytes: 'Subject: one\n\nFrom the archive\nbye\n', flags: ['$Label1', '\\Answered', '\\Flagged', '\\Seen'], internalDate: D1 },
    { bytes: 'Subject: two\n\nplain\n', flags: [], internalDate: D2 },
  ]);
  assert.deepEqual(got['Lists/node'], [{ bytes: 'X-Mozilla-Status: 0001\nSubject: tb\n\nx\n', flags: ['\\Seen'], internalDate: D2 }]);
  assert.deepEqual(got['Trash'], []);

  const second = await importInto(store, 'alice', await mboxSource(root, 1 << 20, null));
  assert.deepEqual([second.imported, second.duplicates, second.failed], [0, 3, 0]);
  await store.close();
});

test('one mbox file into a named mailbox; a too-big message is skipped, the others imported', async () => {
  const root = tempDir();
  const path = join(root, 'alice'); // like /var/mail/alice
  writeFileSync(path, `${INBOX}From c Thu Jan  4 10:20:00 2024\nSubject: big\n\n${'z'.repeat(3000)}\n\nFrom d Thu Jan  4 10:20:00 2024\nSubject: after\n\nok\n`);
  const store = await openStore();
  const notes: string[] = [];
  const summary = await importInto(store, 'alice', await mboxSource(path, 2048, 'INBOX'), notes, 2048);
  assert.deepEqual([summary.imported, summary.failed], [3, 1]);
  assert.match(notes[0] ?? '', /alice message #3: \d+ bytes is larger than the limit of 2048/);
  const got = await contents(store, 'alice');
  assert.deepEqual(got['INBOX']?.map((m) => m.bytes.split('\n')[0]), ['Subject: one', 'Subject: two', 'Subject: after']);
  await store.close();
});

test('streaming: 3,000 messages from one mbox file with the reader buffer bounded by one message', async () => {
  const root = tempDir();
  const path = join(root, 'big.mbox');
  const out = createWriteStream(path);
  const count = 3000;
  for (let i = 0; i < count; i++) {
    if (!out.write(`From x@example.com Thu Jan  4 10:20:00 2024\nSubject: ${i}\nMessage-ID: <${i}@example.com>\n\n${'text\n'.repeat(100)}\n`)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  const store = await openStore();
  const source = await mboxSource(path, 8192, null);
  const summary = await importInto(store, 'alice', source, [], 8192);
  assert.equal(summary.imported, count);
  // One message is ~560 bytes, the file ~1.7 MB: the reader held one message and a partial line at most.
  assert.ok(source.maxBufferedBytes() < 1024, `buffered ${source.maxBufferedBytes()}`);
  const account = await store.findAccount('alice');
  const mailbox = await store.getMailbox(account?.id ?? 0, 'big');
  assert.equal((await store.mailboxStatus(mailbox?.id ?? 0)).messages, count);
  await store.close();
});
