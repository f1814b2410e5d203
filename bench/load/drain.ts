// Waits until the servers hold no client connection any more (--rounds): a scenario closes its
// sockets on the client side, but a server with thousands of IDLE sessions (Dovecot: a process
// each) takes a while to tear them down, and that work must not land in the next measurement.
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
