import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Progress } from '../../src/import/progress.js';

function recorder(isTTY: boolean): { out: { write(t: string): boolean; isTTY: boolean }; text: string[] } {
  const text: string[] = [];
  return { out: { write: (t: string) => text.push(t) > 0, isTTY }, text };
}

test('on a terminal: one line redrawn in place, at most every 100 ms, with rate and ETA', () => {
  let now = 0;
  const { out, text } = recorder(true);
  const progress = new Progress({ out, now: () => now });
  now = 1000;
  progress.update({ messages: 100, bytes: 2 * 1024 * 1024, total: { messages: 400 } });
  now = 1050;
  progress.update({ messages: 105, bytes: 2 * 1024 * 1024, total: { messages: 400 } }); // too soon: not drawn
  now = 2000;
  progress.update({ messages: 200, bytes: 4 * 1024 * 1024, total: { bytes: 1000, done: 500 } });
  progress.note('skipped x: too big');
  progress.clear();
  assert.deepEqual(text, [
    '\r\x1b[K100 messages, 2.0 MB, 100 msg/s, 25%, ETA 3s',
    '\r\x1b[K200 messages, 4.0 MB, 100 msg/s, 50%, ETA 2s',
    '\r\x1b[K',
    'skipped x: too big\n',
  ]);
});

test('not a terminal: a plain line every N messages or seconds', () => {
  let now = 0;
  const { out, text } = recorder(false);
  const progress = new Progress({ out, now: () => now, logEvery: 10, logEveryMs: 5000 });
  for (let i = 1; i <= 25; i++) {
    now += 100;
    progress.update({ messages: i, bytes: 0, total: null });
  }
  now += 6000;
  progress.update({ messages: 26, bytes: 0, total: null });
  assert.deepEqual(text, ['10 messages, 0.0 MB, 10 msg/s\n', '20 messages, 0.0 MB, 10 msg/s\n', '26 messages, 0.0 MB, 3 msg/s\n']);
});
