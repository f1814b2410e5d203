// Splits a header block (RFC 5322 §2.2, RFC 2045 §3 for MIME part headers) into fields, with the
// byte offsets of each. Tolerant: CRLF or bare LF, lines without a colon kept as fields without a
// value (as Dovecot does), no blank line at all (then the header runs to the end, body empty).
import { bytesToText, unfold } from './bytes.js';

export interface RawField {
  /** Lower-cased field name (trimmed). */
  readonly name: string;
  /** Value bytes after the colon up to the end of the field, still folded, line end excluded. */
  readonly raw: Buffer;
  /** Byte offsets of the whole field, including its final line end. */
  readonly start: number;
  readonly end: number;
}

export interface HeaderBlock {
  readonly fields: readonly RawField[];
  /** First byte after the blank line that ends the header (= end when there is none). */
  readonly bodyStart: number;
}

/** Fields are capped so that a header of millions of tiny lines costs bounded memory. */
const MAX_FIELDS = 10_000;

export function parseHeader(bytes: Buffer, start: number, end: number): HeaderBlock {
  const fields: RawField[] = [];
  let pos = start;
  let fieldStart = -1;
  const finish = (fieldEnd: number): void => {
    if (fieldStart < 0) return;
    if (fields.length < MAX_FIELDS) fields.push(makeField(bytes, fieldStart, fieldEnd));
    fieldStart = -1;
  };
  while (pos < end) {
    const lf = bytes.indexOf(0x0a, pos);
    const lineEnd = lf < 0 || lf >= end ? end : lf + 1;
    const first = bytes[pos];
    // A blank line (LF or CRLF alone) ends the header.
    if (first === 0x0a || (first === 0x0d && (pos + 1 === end || bytes[pos + 1] === 0x0a) && lineEnd - pos <= 2)) {
      finish(pos);
      return { fields, bodyStart: lineEnd };
    }
    // A line starting with WSP continues the current field (RFC 5322 §2.2.3).
    if ((first === 0x20 || first === 0x09) && fieldStart >= 0) {
      pos = lineEnd;
      continue;
    }
    finish(pos);
    fieldStart = pos;
    pos = lineEnd;
  }
  finish(end);
  return { fields, bodyStart: end };
}

function makeField(bytes: Buffer, start: number, end: number): RawField {
  let stop = end;
  if (stop > start && bytes[stop - 1] === 0x0a) stop--;
  if (stop > start && bytes[stop - 1] === 0x0d) stop--;
  const colon = bytes.indexOf(0x3a, start);
  if (colon < 0 || colon >= stop) {
    return { name: bytesToText(bytes.subarray(start, stop)).trim().toLowerCase(), raw: Buffer.alloc(0), start, end };
  }
  const name = bytes.toString('latin1', start, colon).trim().toLowerCase();
  return { name, raw: bytes.subarray(colon + 1, stop), start, end };
}

/** The field's value as text: unfolded, surrounding white space removed; encoded words kept. */
export function fieldText(field: RawField): string {
  return unfold(bytesToText(field.raw)).replace(/^[ \t]+|[ \t]+$/g, '');
}

/** The first field of that (lower-case) name, or undefined. */
export function firstField(fields: readonly RawField[], name: string): RawField | undefined {
  return fields.find((f) => f.name === name);
}
