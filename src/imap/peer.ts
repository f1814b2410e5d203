// Facts about the peer: is it on this machine, and does it speak IMAP at all.
import type { Request } from './wire/reader.js';

/** 127.0.0.0/8, ::1 and IPv4-mapped loopback (the plaintextAuth = 'loopback' rule). */
export function isLoopback(address: string | undefined): boolean {
  if (!address) return false;
  const v4 = address.startsWith('::ffff:') ? address.slice(7) : address;
  return v4.startsWith('127.') || address === '::1';
}

// Words that open other protocols' sessions: HTTP methods, SMTP/POP3 greetings.
const FOREIGN = /^(GET|POST|HEAD|PUT|DELETE|OPTIONS|CONNECT|PATCH|TRACE|PRI|HELO|EHLO|USER|QUIT|STAT)$/i;

/** "GET / HTTP/1.1" and its kind: answered with BYE rather than a stream of BADs. */
export function looksLikeOtherProtocol(request: Request): boolean {
  const first = request.parts[0];
  if (!first || first.kind !== 'text') return false;
  const line = first.text;
  if (/\bHTTP\/\d/i.test(line)) return true;
  const word = line.split(' ', 1)[0] ?? '';
  return FOREIGN.test(word);
}
