import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MboxFormatError, MboxReader, type MboxItem } from '../../src/import/mbox-reader.js';

async function readAll(text: string | Buffer, chunkSize = 1 << 16, maxMessageBytes = 1 << 20): Promise<{ items: MboxItem[]; reader: MboxReader }> {
  const data = typeof text === 'string' ? Buffer.from(text, 'latin1') : text;
  async function* chunks(): AsyncGenerator<Buffer> {
    for (let i = 0; i < data.length; i += chunkSize) yield data.subarray(i, i + chunkSize);
  }
  const reader = new MboxReader({ maxMessageBytes, maxLineBytes: 1024 });
  const items: MboxItem[] = [];
  for await (const item of reader.read(chunks())) items.push(item);
  return { items, reader };
}

function texts(items: readonly MboxItem[]): string[] {
  return items.map((i) => (i.kind === 'message' ? i.bytes.toString('latin1') : `<too big ${i.size}>`));
}

const MBOXRD =
  'From alice@example.com Thu Jan  4 10:20:00 2024\n' +
  'Subject: one\n\nFrom the start\n>From escaped once\n>>From escaped twice\n> From not escaped\n\n' +
  'From bob@example.com Fri Jan  5 11:00:00 2024\n' +
  'Subject: two\n\nlast line\n\n';

test('mboxrd: split at From_ lines, one ">" removed from ^>+From, separator blank line dropped', async () => {
  const expected = [
    'Subject: one\n\nFrom the start\nFrom escaped once\n>From escaped twice\n> From not escaped\n',
    'Subject: two\n\nlast line\n',
  ];
  // Every chunk size gives the same result (a line or a From_ line may be cut anywhere).
  for (const size of [1, 2, 3, 5, 7, 13, 64, 1 << 16]) {
    const { items } = await readAll(MBOXRD, size);
    assert.deepEqual(texts(items), expected, `chunk size ${size}`);
  }
  const { items } = await readAll(MBOXRD);
  assert.deepEqual(
    items.map((i) => [i.index, i.date]),
    [
      [1, new Date(2024, 0, 4, 10, 20, 0).getTime()],
      [2, new Date(2024, 0, 5, 11, 0, 0).getTime()],
    ],
  );
});

test('mboxo: ">From " unescaped, a trailing newline-less last message kept, CRLF files', async () => {
  const mboxo = 'From a Thu Jan  4 10:20:00 2024\nX: 1\n\n>From me\nbody\n\nFrom b Thu Jan  4 10:21:00 2024\nX: 2\n\nno newline at end';
  assert.deepEqual(texts((await readAll(mboxo)).items), ['X: 1\n\nFrom me\nbody\n', 'X: 2\n\nno newline at end']);
  const crlf = 'From a Thu Jan  4 10:20:00 2024\r\nX: 1\r\n\r\nbody\r\n\r\nFrom b Thu Jan  4 10:21:00 2024\r\nX: 2\r\n\r\nb\r\n';
  assert.deepEqual(texts((await readAll(crlf)).items), ['X: 1\r\n\r\nbody\r\n', 'X: 2\r\n\r\nb\r\n']);
});

test('a "From " line that is not a From_ line stays in the body', async () => {
  const text = 'From a Thu Jan  4 10:20:00 2024\nX: 1\n\nFrom here on, nothing\n';
  assert.deepEqual(texts((await readAll(text)).items), ['X: 1\n\nFrom here on, nothing\n']);
});

test('not an mbox: text before the first From_ line', async () => {
  await assert.rejects(readAll('Subject: hello\n\nbody\n'), MboxFormatError);
  assert.deepEqual(texts((await readAll('\n\nFrom a Thu Jan  4 10:20:00 2024\nX: 1\n')).items), ['X: 1\n']);
});

test('a message above the cap is reported, not buffered; the next one is read', async () => {
  const big = 'x'.repeat(100) + '\n';
  const text = `From a Thu Jan  4 10:20:00 2024\n${big.repeat(50)}\nFrom b Thu Jan  4 10:21:00 2024\nsmall\n`;
  const { items, reader } = await readAll(text, 256, 1000);
  assert.deepEqual(texts(items), [`<too big ${big.length * 50 + 1}>`, 'small\n']);
  assert.ok(reader.maxBufferedBytes <= 1000 + 2 + 1024 + 256, `buffered ${reader.maxBufferedBytes}`);
});

test('an endless line is taken in pieces (bounded carry)', async () => {
  const text = `From a Thu Jan  4 10:20:00 2024\nX: 1\n\n${'y'.repeat(10_000)}From z\n`;
  const { items, reader } = await readAll(text, 4096);
  assert.deepEqual(texts(items), [`X: 1\n\n${'y'.repeat(10_000)}From z\n`]);
  assert.ok(reader.maxBufferedBytes < 10_000 + 1024 + 4096 + 100);
});

test('streaming: 3,000 messages, the reader never holds more than one message and a chunk', async () => {
  const count = 3000;
  async function* generate(): AsyncGenerator<Buffer> {
    for (let i = 0; i < count; i++) {
      const body = `Subject: message ${i}\n\n${`line of message ${i}\n`.repeat(50)}`;
      yield Buffer.from(`From sender@example.com Thu Jan  4 10:20:00 2024\n${body}\n`);
    }
  }
  const reader = new MboxReader({ maxMessageBytes: 4096 });
  let n = 0;
  let largest = 0;
  for await (const item of reader.read(generate())) {
    assert.equal(item.kind, 'message');
    if (item.kind === 'message') largest = Math.max(largest, item.bytes.length);
    n++;
  }
  assert.equal(n, count);
  // One message, plus the partial line and chunk: far below the ~3.5 MB of input.
  assert.ok(reader.bytesRead > 3_000_000);
  assert.ok(reader.maxBufferedBytes <= largest + 2 + 2048, `buffered at most ${reader.maxBufferedBytes} bytes`);
});
