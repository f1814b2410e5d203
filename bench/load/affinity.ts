// Runs a timing with the load generator and every process of the server on one CPU. On this
// two-core VM a sub-millisecond request-reply took 15 or 75 us against Dovecot, 25 or 90 us against
// Postkeep, depending only on whether the scheduler had put the two processes on the same CPU (a
// wakeup across CPUs costs the hypervisor's interrupt path) — and it kept one choice or the other for
// a whole batch, so a median of 500 reported the placement, not the server (docs/BENCHMARKS.md
// part 12). On one CPU neither waits for another CPU to wake: what is left is the work of client and
// server. The masks are put back afterwards. Linux only (taskset, util-linux); elsewhere, or when
// taskset fails, the timing runs unpinned and says so.
import { execFileSync } from 'node:child_process';

/** The affinity mask of a process as taskset prints it (hex), or null when it cannot be read. */
function maskOf(pid: number): string | null {
  try {
    const out = execFileSync('taskset', ['-p', String(pid)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    return /:\s*([0-9a-f]+)\s*$/i.exec(out)?.[1] ?? null;
  } catch {
    return null;
  }
}

/** Sets the mask of every thread of pid; false when taskset refused (the process may have exited). */
function setMask(pid: number, mask: string): boolean {
  try {
    execFileSync('taskset', ['-a', '-p', mask, String(pid)], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

export interface Pinned<T> {
  readonly result: T;
  /** 'one CPU' or why the timing ran unpinned. */
  readonly placement: string;
}

/** fn() with this process and `serverPids` on the first CPU this process may use. */
export async function onOneCpu<T>(serverPids: readonly number[], fn: () => Promise<T>): Promise<Pinned<T>> {
  const pids = [process.pid, ...serverPids];
  const saved = pids.map((pid) => [pid, maskOf(pid)] as const);
  const own = saved[0]?.[1];
  if (process.platform !== 'linux' || !own || saved.some(([, mask]) => mask === null)) {
    return { result: await fn(), placement: 'unpinned: taskset could not read the affinity masks' };
  }
  // The lowest CPU in this process's own mask, as a one-bit mask.
  const allowed = BigInt(`0x${own}`);
  const cpu = allowed & -allowed;
  const pinned = pids.every((pid) => setMask(pid, cpu.toString(16)));
  try {
    return { result: await fn(), placement: pinned ? 'one CPU' : 'unpinned: taskset could not set an affinity mask' };
  } finally {
    for (const [pid, mask] of saved) if (mask) setMask(pid, mask);
  }
}
