// Waits until the servers hold no client connection any more (--rounds): a scenario closes its
// sockets on the client side, but a server with thousands of IDLE sessions (Dovecot: a process
// each) takes a while to tear them down, and that work must not land in the next measurement.
// Closed sockets are not the end of it: on the 2-core VM of 2026-11-22, Dovecot's 10,000 imap
// processes were still exiting (load average 4,400) when Postkeep's first mixed round began, which
// ran at a fifth of its other rounds' sync rate (238 against 1,082-1,123 cycles/s). So the machine's
// CPUs must also have gone quiet (waitForQuiet), in the CLI's runs: a bench inside the test suite
// shares the machine with other tests, and never finds it quiet.
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';

// /proc/net/tcp states in which the server's process still holds its end: ESTABLISHED, SYN_RECV,
// CLOSE_WAIT (FIN_WAIT, LAST_ACK and TIME_WAIT are the kernel's alone after close()).
const HELD = new Set(['01', '03', '08']);

/** Server-side sockets on these local ports that the server has not closed yet. */
export function openConnections(ports: readonly number[]): number {
  const wanted = new Set(ports);
  let n = 0;
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      const local = fields[1];
      const state = fields[3];
      if (local === undefined || state === undefined) continue;
      const port = parseInt(local.slice(local.lastIndexOf(':') + 1), 16);
      if (wanted.has(port) && HELD.has(state)) n++;
    }
  }
  return n;
}

/** The whole machine's CPU time from /proc/stat's first line, in clock ticks: busy (everything but
 *  idle and iowait) and all; null where there is no /proc/stat. */
export function cpuTicks(stat: string): { busy: number; total: number } | null {
  const fields = /^cpu\s+(.*)$/m.exec(stat)?.[1]?.trim().split(/\s+/).map(Number);
  if (!fields || fields.length < 5 || fields.some((n) => !Number.isFinite(n))) return null;
  // user nice system idle iowait irq softirq steal guest guest_nice; guest time is in user already.
  const total = fields.slice(0, 8).reduce((a, b) => a + b, 0);
  const idle = (fields[3] ?? 0) + (fields[4] ?? 0);
  return { busy: total - idle, total };
}

function readTicks(): { busy: number; total: number } | null {
  try {
    return cpuTicks(readFileSync('/proc/stat', 'utf8'));
  } catch {
    return null;
  }
}

/** Waits until the machine's CPUs were busy less than maxBusy of a windowMs window (the bench itself
 *  idles meanwhile), or boundMs has passed; returns whether they went quiet. True at once where
 *  /proc/stat cannot be read. */
export async function waitForQuiet(maxBusy = 0.1, windowMs = 500, boundMs = 60_000): Promise<boolean> {
  const until = performance.now() + boundMs;
  let before = readTicks();
  if (!before) return true;
  for (;;) {
    await new Promise((r) => setTimeout(r, windowMs));
    const after = readTicks();
    if (!after) return true;
    const total = after.total - before.total;
    if (total > 0 && (after.busy - before.busy) / total < maxBusy) return true;
    if (performance.now() >= until) return false;
    before = after;
  }
}

/** Polls until none are open or boundMs has passed; returns how many were still open. */
export async function waitForDrain(ports: readonly number[], boundMs: number): Promise<number> {
  const until = performance.now() + boundMs;
  let open = openConnections(ports);
  while (open > 0 && performance.now() < until) {
    await new Promise((r) => setTimeout(r, 100));
    open = openConnections(ports);
  }
  return open;
}
