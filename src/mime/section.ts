// Section addressing (RFC 9051 §6.4.5) over a parsed tree: byte ranges for BODY[...], the
// HEADER.FIELDS filter, and the decoded content for BINARY[...] (RFC 3516).
import type { Section } from '../imap/wire/ast.js';
import { decodeTransfer, isKnownEncoding } from './decode.js';
import type { MimePart } from './types.js';

/** The part that a part number list names, or null. Numbers applied to a message (the top level or
 *  an encapsulated message/rfc822) index its multipart body, or for a non-multipart message only
 *  "1" exists and is the message's own body part. Numbers applied to a message/rfc822 part address
 *  the encapsulated message. */
export function findPart(root: MimePart, numbers: readonly number[]): MimePart | null {
  let message: MimePart | null = root; // a message whose parts the next number indexes
  let part: MimePart | null = null;
  for (const n of numbers) {
    if (message === null) {
      const current = part as MimePart;
      if (current.type === 'multipart') {
        part = current.children[n - 1] ?? null;
        if (part === null) return null;
        continue;
      }
      if (current.message === null) return null;
      message = current.message.root;
    }
    if (message.type === 'multipart') part = message.children[n - 1] ?? null;
    else part = n === 1 ? message : null;
    if (part === null) return null;
    message = null;
  }
  return part;
}

/** Byte range of a contiguous section; null when the part does not exist or the section does not
 *  apply to it (HEADER/TEXT only at the top level and on message/rfc822 parts, MIME only on a
 *  numbered part). For HEADER.FIELDS(.NOT) the range is the whole header, to filter with headerFields. */
export function sectionRange(root: MimePart, section: Section): { start: number; end: number } | null {
  let message: MimePart;
  if (section.part.length === 0) {
    if (section.text === null) return { start: root.headerStart, end: root.bodyEnd };
    if (section.text === 'MIME') return null;
    message = root;
  } else {
    const part = findPart(root, section.part);
    if (part === null) return null;
    if (section.text === null) return { start: part.bodyStart, end: part.bodyEnd };
    if (section.text === 'MIME') return { start: part.headerStart, end: part.bodyStart };
    if (part.message === null) return null;
    message = part.message.root;
  }
  if (section.text === 'TEXT') return { start: message.bodyStart, end: message.bodyEnd };
  return { start: message.headerStart, end: message.bodyStart };
}

/** HEADER.FIELDS / HEADER.FIELDS.NOT (RFC 9051 §6.4.5): the original bytes of the matching fields,
 *  folding included, in order, then the blank line that ends a header. */
export function headerFields(headerBytes: Buffer, fields: readonly string[], not: boolean): Buffer {
  const wanted = new Set(fields.map((f) => f.toLowerCase()));
  const out: Buffer[] = [];
  let pos = 0;
  const len = headerBytes.length;
  while (pos < len) {
    // One field: its first line and any continuation lines.
    let end = pos;
    do {
      const lf = headerBytes.indexOf(0x0a, end);
      end = lf < 0 ? len : lf + 1;
    } while (end < len && (headerBytes[end] === 0x20 || headerBytes[end] === 0x09));
    const line = headerBytes.subarray(pos, end);
    pos = end;
    if (line[0] === 0x0a || (line[0] === 0x0d && line.length <= 2)) break; // the blank line
    const colon = line.indexOf(0x3a);
    if (colon < 0) continue;
    const name = line.toString('latin1', 0, colon).trim().toLowerCase();
    if (wanted.has(name) !== not) {
      out.push(line);
      if (line[line.length - 1] !== 0x0a) out.push(Buffer.from('\r\n'));
    }
  }
  out.push(Buffer.from('\r\n'));
  return Buffer.concat(out);
}

/** BINARY[part] (RFC 3516 §4.2): the part's body decoded from its transfer encoding; the whole
 *  message as it is for an empty part list; 'unknown-cte' when the encoding cannot be decoded
 *  (§4.3 [UNKNOWN-CTE]); null when the part does not exist. A multipart or an encapsulated message
 *  is returned as it is. */
export function binaryContent(bytes: Buffer, root: MimePart, part: readonly number[]): Buffer | 'unknown-cte' | null {
  if (part.length === 0) return bytes.subarray(root.headerStart, root.bodyEnd);
  const target = findPart(root, part);
  if (target === null) return null;
  const body = bytes.subarray(target.bodyStart, target.bodyEnd);
  if (target.type === 'multipart') return body;
  if (!isKnownEncoding(target.encoding)) return 'unknown-cte';
  return decodeTransfer(body, target.encoding);
}
