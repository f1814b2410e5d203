// One pino logger for the process: JSON lines on stdout, which journald, Docker and jq all read.
import { pino, type Logger } from 'pino';
import type { LogLevel } from '../config/types.js';

export function createLogger(level: LogLevel): Logger {
  // process.stdout rather than pino's default sonic-boom: when whatever reads our stdout goes away
  // (EPIPE), sonic-boom's flush at exit retries forever and the process never exits. A lost log
  // reader must not keep the server alive or crash it, so its errors are dropped.
  process.stdout.on('error', () => {});
  return pino({ level, base: { service: 'postkeep' } }, process.stdout);
}
