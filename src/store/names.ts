// Mailbox names as the store keeps them: UTF-8, "/" as the hierarchy delimiter, INBOX canonical.
import { StoreError } from './types.js';

export const DELIMITER = '/';
/** Longest name in UTF-8 bytes; deeper or longer names are refused with LIMIT. */
export const MAX_NAME_BYTES = 1024;

/** "INBOX" is case-insensitive (RFC 9051 §5.1), and so is the INBOX part of "INBOX/child". */
export function canonicalName(name: string): string {
  if (name.length >= 5 && name.slice(0, 5).toUpperCase() === 'INBOX' && (name.length === 5 || name[5] === DELIMITER)) {
    return 'INBOX' + name.slice(5);
  }
  return name;
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Canonical form of a name that may be stored; refuses names no client could use or see back. */
export function validMailboxName(name: string): string {
  const canonical = canonicalName(name);
  if (canonical === '') throw new StoreError('CANNOT', 'A mailbox name cannot be empty');
  if (Buffer.byteLength(canonical, 'utf8') > MAX_NAME_BYTES) {
    throw new StoreError('LIMIT', `Mailbox names are limited to ${MAX_NAME_BYTES} bytes`);
  }
  // eslint-disable-next-line no-control-regex
  if (/[\x00-\x1f\x7f]/.test(canonical)) throw new StoreError('CANNOT', 'A mailbox name cannot contain control characters');
  if (canonical.split(DELIMITER).some((part) => part === '')) {
    throw new StoreError('CANNOT', `"${name}" has an empty hierarchy level`);
  }
  if (LONE_SURROGATE.test(canonical)) throw new StoreError('CANNOT', `"${name}" is not valid Unicode`);
  return canonical;
}
