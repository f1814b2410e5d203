// The bench's wait between rounds (bench/load/drain.ts): /proc/stat's first line read as busy and
// total ticks, and the wait for quiet CPUs returning on a machine that idles.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cpuTicks, waitForQuiet } from '../../bench/load/drain.js';

test('cpuTicks counts idle and iowait as not busy, guest time once', () => {
  const stat = 'cpu  100 5 50 800 40 3 2 7 20 1\ncpu0 50 2 25 400 20 1 1 3 10 0\nintr 1 2 3\n';
  assert.deepEqual(cpuTicks(stat), { busy: 100 + 5 + 50 + 3 + 2 + 7, total: 100 + 5 + 50 + 800 + 40 + 3 + 2 + 7 });
  assert.equal(cpuTicks('intr 1 2 3\n'), null);
  assert.equal(cpuTicks('cpu  1 2 x 4 5\n'), null);
});

test('waitForQuiet returns when the CPUs idle, and gives up at its bound when they do not', async () => {
  // A 99% bound is met by any window in which this process sleeps. The busy case spins this process
  // through the first window (400 ms of one CPU), so that no window it measures can be 0% busy.
  const busyUntil = performance.now() + 400;
  const spin = (): void => {
    while (performance.now() < busyUntil) {
      /* keep one CPU busy */
    }
  };
  const quiet = await waitForQuiet(0.99, 100, 5_000);
  assert.equal(quiet, true, 'a share of 99% is reached by any machine that is not saturated');
  const t0 = performance.now();
  setTimeout(spin, 0);
  const impossible = await waitForQuiet(0, 100, 300);
  assert.equal(impossible, false, 'no window is ever 0% busy while this process spins');
  assert.ok(performance.now() - t0 >= 300);
});
