// Byte-level helpers shared by the MIME modules: header bytes to text, line counting.
import { isUtf8 } from 'node:buffer';

/** Header bytes as text: UTF-8 when valid (RFC 6532 allows it in headers), Latin-1 otherwise, so
 *  that any byte survives; NULs become U+FFFD (they cannot be sent in an IMAP string). */
export function bytesToText(bytes: Buffer): string {
  const text = isUtf8(bytes) ? bytes.toString('utf8') : bytes.toString('latin1');
  return text.includes('\0') ? text.replace(/\0/g, '\uFFFD') : text;
}

/** RFC 5322 §2.2.3 unfolding: a line break followed by white space is removed (the WSP stays).
 *  Stray line breaks not followed by WSP (bare CR, malformed input) become spaces. */
export function unfold(value: string): string {
  return value.replace(/\r?\n(?=[ \t])/g, '').replace(/[\r\n]+/g, ' ');
}

/** Text lines of a body (RFC 9051 body-fld-lines): the count of LFs, plus one for a last line
 *  without a line end. The CRLF before a boundary belongs to the boundary (RFC 2046 §5.1.1), so a
 *  part "hello" followed by its delimiter has one line. */
export function countLines(bytes: Buffer, start: number, end: number): number {
  let lines = 0;
  let pos = start;
  for (;;) {
    const lf = bytes.indexOf(0x0a, pos);
    if (lf < 0 || lf >= end) break;
    lines++;
    pos = lf + 1;
  }
  if (pos < end) lines++;
  return lines;
}
