// [imap.limits]: the fields of src/imap/limits.ts in snake_case, each with the smallest value that
// still keeps the server correct.
import { defaultLimits, type Limits } from '../imap/limits.js';
import type { TableReader } from './reader.js';

interface LimitRule {
  readonly field: keyof Limits;
  readonly min: number;
  readonly why: string;
}

const rules: readonly LimitRule[] = [
  { field: 'maxLineBytes', min: 8192, why: 'RFC 7162 §4 asks servers to accept command lines of 8192 octets' },
  { field: 'maxMessageBytes', min: 1024, why: 'smaller than any real message' },
  { field: 'maxMultiAppendBytes', min: 1024, why: 'one small message must fit' },
  { field: 'maxSmallLiteralBytes', min: 1024, why: 'passwords and search strings must fit' },
  { field: 'maxCommandBytes', min: 8192, why: 'a command must fit at least one full line' },
  { field: 'maxNesting', min: 1, why: 'parenthesized lists need at least one level' },
  { field: 'maxReadAheadBytes', min: 8192, why: 'one command line must fit' },
  { field: 'maxOutputBufferBytes', min: 65536, why: 'one large FETCH response must fit' },
  { field: 'idleTimeoutAuthenticatedMs', min: 30 * 60 * 1000, why: 'RFC 9051 §5.4: at least 30 minutes' },
  { field: 'idleTimeoutUnauthenticatedMs', min: 1000, why: 'a client needs time to log in' },
  { field: 'maxAuthFailures', min: 1, why: 'a user may mistype once' },
  { field: 'maxConnectionsPerIp', min: 0, why: '0 means no limit' },
  { field: 'maxConnectionsPerUser', min: 0, why: '0 means no limit' },
  { field: 'loginFailureDelayMs', min: 0, why: '0 turns the delay off' },
  { field: 'loginFailureMaxDelayMs', min: 0, why: '0 turns the delay off' },
  { field: 'loginLockoutUserFailures', min: 1, why: 'a user may mistype once' },
  { field: 'loginLockoutIpFailures', min: 1, why: 'a user may mistype once' },
  { field: 'loginLockoutMs', min: 0, why: '0 turns the lockout off' },
];

export function snakeCase(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

export const limitKeys: readonly string[] = rules.map((r) => snakeCase(r.field));

export function readLimits(reader: TableReader): Limits {
  reader.checkKeys(limitKeys);
  const limits: Record<string, number> = { ...defaultLimits };
  for (const rule of rules) {
    limits[rule.field] = reader.integer(snakeCase(rule.field), defaultLimits[rule.field], rule.min, rule.why);
  }
  return limits as unknown as Limits;
}
