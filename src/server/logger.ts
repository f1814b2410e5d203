// One pino logger for the process: JSON lines on stdout, which journald, Docker and jq all read.
import { pino, type Logger } from 'pino';
import type { LogLevel } from '../config/types.js';

export function createLogger(level: LogLevel): Logger {
  return pino({ level, base: { service: 'postkeep' } });
}
