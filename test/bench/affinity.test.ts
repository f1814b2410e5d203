// bench/load/affinity.ts: inside onOneCpu this process and the server's are on one and the same CPU;
// afterwards both have their masks back, also when the timing throws.
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { test } from 'node:test';
import { onOneCpu } from '../../bench/load/affinity.js';

function mask(pid: number): bigint {
  const out = execFileSync('taskset', ['-p', String(pid)], { encoding: 'utf8' });
  return BigInt(`0x${/:\s*([0-9a-f]+)\s*$/i.exec(out)?.[1] ?? 'x'}`);
}

const hasTaskset = process.platform === 'linux' && (() => {
  try {
    execFileSync('taskset', ['-p', String(process.pid)], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

test('onOneCpu pins both processes to one CPU and puts the masks back', { skip: hasTaskset ? false : 'taskset (util-linux) is not here' }, async () => {
  const server = spawn('sleep', ['60'], { stdio: 'ignore' });
  try {
    const pid = server.pid as number;
    const before = [mask(process.pid), mask(pid)];
    const inside = await onOneCpu([pid], async () => [mask(process.pid), mask(pid)]);
    assert.equal(inside.placement, 'one CPU');
    const [own, other] = inside.result as [bigint, bigint];
    assert.equal(own, other);
    assert.equal(own & (own - 1n), 0n, 'one bit: one CPU');
    assert.notEqual(own & (before[0] as bigint), 0n, 'a CPU this process was allowed');
    assert.deepEqual([mask(process.pid), mask(pid)], before);
    await assert.rejects(onOneCpu([pid], async () => Promise.reject(new Error('timing failed'))), /timing failed/);
    assert.deepEqual([mask(process.pid), mask(pid)], before);
  } finally {
    server.kill();
  }
});
