// Runs a Postkeep server for the benchmark in its own process (so that its CPU profile and memory
// are its own): reads a config object as JSON from argv[2], starts, prints one line
// "POSTKEEP-BENCH-READY {imap, lmtp}" and stops cleanly on SIGTERM/SIGINT.
import { readFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { configFromObject } from '../../src/config/index.js';
import { startServer } from '../../src/server/index.js';

const configPath = process.argv[2];
if (!configPath) throw new Error('usage: serve.js CONFIG.json');
const server = await startServer(configFromObject(JSON.parse(await readFile(configPath, 'utf8')) as unknown));

/** The LMTP listener's port once src/lmtp lands (RunningServer.lmtp); read structurally so that this
 *  file compiles before and after. */
function lmtpPort(): number | null {
  const lmtp = (server as unknown as { lmtp?: unknown }).lmtp;
  const first = (list: unknown): number | null => (Array.isArray(list) && list.length > 0 ? ((list[0] as AddressInfo).port ?? null) : null);
  if (Array.isArray(lmtp)) return first(lmtp);
  if (lmtp && typeof lmtp === 'object') return first((lmtp as { plain?: unknown }).plain) ?? first((lmtp as { listen?: unknown }).listen);
  return null;
}

process.stdout.write(`POSTKEEP-BENCH-READY ${JSON.stringify({ imap: server.imap.plain[0]?.port ?? null, lmtp: lmtpPort() })}\n`);
let stopping = false;
const stop = (): void => {
  if (stopping) return;
  stopping = true;
  void server.stop().finally(() => process.exit(0));
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
