// Mailbox names (RFC 9051 §5.1): "/" is the hierarchy delimiter, INBOX is case-insensitive, and
// names we store must be safe to show and to turn into paths. Also LIST pattern matching (%, *).
import { ImapError } from './commands/types.js';

export const DELIMITER = '/';
const MAX_COMPONENT_BYTES = 255;
const MAX_NAME_BYTES = 1024;

/** "inbox/x" -> "INBOX/x" (RFC 9051 §5.1: INBOX is case-insensitive, and so is its use as a parent). */
export function canonicalName(name: string): string {
  const slash = name.indexOf(DELIMITER);
  const first = slash < 0 ? name : name.slice(0, slash);
  return first.toUpperCase() === 'INBOX' ? 'INBOX' + (slash < 0 ? '' : name.slice(slash)) : name;
}

/** A name to create or rename to: canonical, trailing delimiter dropped (RFC 9051 §6.3.4), validated. */
export function validateNewName(raw: string): string {
  let name = raw;
  while (name.endsWith(DELIMITER)) name = name.slice(0, -1);
  name = canonicalName(name);
  const bad = (why: string): never => {
    throw new ImapError('NO', 'CANNOT', `Invalid mailbox name: ${why}`);
  };
  if (name.length === 0) bad('empty');
  if (Buffer.byteLength(name) > MAX_NAME_BYTES) bad(`longer than ${MAX_NAME_BYTES} bytes`);
  // Wildcards would make the name unlistable (RFC 9051 §5.1 SHOULD NOT); control characters unsafe.
  if (/[*%]/.test(name)) bad('"*" and "%" are not allowed');
  // RFC 6855 §3 (Net-Unicode, RFC 5198 §2): no C0/C1 controls, DEL, LINE or PARAGRAPH SEPARATOR.
  if (/[\x00-\x1f\x7f-\x9f\u2028\u2029]/.test(name)) bad('control characters are not allowed');
  if (name.includes('\ufffd')) bad('U+FFFD (what invalid UTF-8 decodes to) is not allowed');
  for (const part of name.split(DELIMITER)) {
    if (part.length === 0) bad('empty hierarchy level');
    if (part === '.' || part === '..') bad(`"${part}" is not allowed as a hierarchy level`);
    if (Buffer.byteLength(part) > MAX_COMPONENT_BYTES) bad(`a hierarchy level is longer than ${MAX_COMPONENT_BYTES} bytes`);
  }
  return name;
}

/** "a/b/c" -> ["a", "a/b"] */
export function parentsOf(name: string): string[] {
  const parts = name.split(DELIMITER);
  const out: string[] = [];
  for (let i = 1; i < parts.length; i++) out.push(parts.slice(0, i).join(DELIMITER));
  return out;
}

/**
 * LIST/LSUB pattern -> predicate (RFC 9051 §6.3.9): "*" matches anything, "%" anything but the
 * delimiter. The INBOX prefix matches case-insensitively.
 */
export function patternMatcher(pattern: string): (name: string) => boolean {
  const canon = canonicalPattern(pattern);
  let src = '^';
  for (const ch of canon) {
    if (ch === '*') src += '.*';
    else if (ch === '%') src += '[^/]*';
    else src += ch.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  }
  const re = new RegExp(src + '$', 's');
  return (name) => re.test(name);
}

function canonicalPattern(pattern: string): string {
  // Upper-case a leading "inbox" level, so that "inbox", "Inbox/%" etc. match INBOX.
  const m = /^(inbox)(\/|$)/i.exec(pattern);
  return m ? 'INBOX' + pattern.slice(5) : pattern;
}

/** RFC 9051 §6.3.9: the reference name and the pattern are joined; a pattern starting with the
 *  delimiter after a reference ending with one is not doubled. */
export function joinReference(reference: string, pattern: string): string {
  if (reference === '') return pattern;
  if (reference.endsWith(DELIMITER) && pattern.startsWith(DELIMITER)) return reference + pattern.slice(1);
  return reference + pattern;
}
