// TimeSlice (src/imap/time-slice.ts): nothing to wait for while the slice lasts; after it, the
// continuation comes after what the event loop already had queued.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TimeSlice } from '../../src/imap/time-slice.js';

function busyFor(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end) {
    // spin: a command's synchronous work
  }
}

test('TimeSlice.pass: undefined within the slice, a later turn of the event loop after it', async () => {
  const slice = new TimeSlice(5);
  assert.equal(slice.pass(), undefined);
  const order: string[] = [];
  setImmediate(() => order.push('other connection'));
  busyFor(6);
  const pause = slice.pass();
  assert.ok(pause instanceof Promise);
  await pause;
  order.push('command resumed');
  assert.deepEqual(order, ['other connection', 'command resumed']);
  assert.equal(slice.pass(), undefined, 'a new slice started');
});
