// SEARCH and SORT answers as one text (commands/util.ts numberList): every message of a big mailbox
// fits, where a data item per number passed as arguments stopped at about 125,000 (RangeError).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { numberList } from '../../src/imap/commands/util.js';
import { ResponseWriter } from '../../src/imap/wire/writer.js';
import { PassThrough } from 'node:stream';

async function written(build: (w: ResponseWriter) => Promise<void>): Promise<string> {
  const sink = new PassThrough();
  const chunks: Buffer[] = [];
  sink.on('data', (c: Buffer) => chunks.push(c));
  const writer = new ResponseWriter(sink, { utf8: false, maxBuffered: 1 << 30 });
  await build(writer);
  writer.flush();
  await new Promise((resolve) => setImmediate(resolve));
  return Buffer.concat(chunks).toString('latin1');
}

test('numberList: the numbers, then the tail, as SEARCH and SORT write them', async () => {
  assert.equal(numberList('SEARCH', [2, 3, 5]).text, 'SEARCH 2 3 5');
  assert.equal(numberList('SEARCH', []).text, 'SEARCH', 'RFC 3501 §7.2.5: nothing found, no numbers');
  assert.equal(numberList('SEARCH', [7], '(MODSEQ 917)').text, 'SEARCH 7 (MODSEQ 917)');
  assert.equal(await written((w) => w.untagged([numberList('SORT', [4, 1, 9])])), '* SORT 4 1 9\r\n');
});

test('numberList: 300,000 numbers in one response line', async () => {
  const nums = Array.from({ length: 300_000 }, (_, i) => i + 1);
  const out = await written((w) => w.untagged([numberList('SEARCH', nums)]));
  assert.ok(out.startsWith('* SEARCH 1 2 3 '));
  assert.ok(out.endsWith(' 299999 300000\r\n'));
  assert.equal(out.split(' ').length, 300_002);
});
