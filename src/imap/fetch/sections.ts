// BODY[section]<partial>, BINARY[part]<partial> and BINARY.SIZE[part] values (RFC 9051 §6.4.5,
// §7.5.2; RFC 3516). A section that does not exist is sent as the empty string "" rather than NIL
// (both are valid nstrings; "" keeps clients that expect a string working, and BINARY.SIZE then
// says 0, matching it).
import { binaryContent, headerFields, sectionRange } from '../../mime/section.js';
import type { Partial, Section } from '../wire/ast.js';
import { Literal, StreamLiteral, type ImapData } from '../wire/data.js';
import { UnknownCteError } from './errors.js';
import type { MessageSource } from './source.js';

/** The contiguous byte range a section covers, or null when there is no such part. */
async function rangeOf(src: MessageSource, section: Section): Promise<{ start: number; end: number } | null> {
  // The whole message needs no summary (RFC 9051 §6.4.5: BODY[] is the entire message).
  if (section.part.length === 0 && section.text === null) return { start: 0, end: src.target.meta.size };
  return sectionRange((await src.summary()).root, section);
}

/** RFC 9051 §6.4.5: a partial starting beyond the end is empty; one reaching past it is truncated. */
function clip(start: number, end: number, partial: Partial | null): { start: number; end: number } {
  if (partial === null) return { start, end };
  const s = Math.min(start + partial.offset, end);
  return { start: s, end: Math.min(s + partial.length, end) };
}

function bytesData(bytes: Buffer, binary = false): ImapData {
  return bytes.length === 0 ? '' : new Literal(bytes, binary);
}

/** The value of BODY[section]<partial> (also RFC822, RFC822.HEADER, RFC822.TEXT). */
export async function bodySection(src: MessageSource, section: Section, partial: Partial | null, streamThreshold: number): Promise<ImapData> {
  const text = section.text;
  if (text !== null && typeof text === 'object') {
    // HEADER.FIELDS[.NOT]: subset the header first, then take the partial (RFC 9051 §6.4.5 note).
    const header = await rangeOf(src, { part: section.part, text: 'HEADER' });
    if (header === null) return '';
    const subset = headerFields(await src.range(header.start, header.end), text.fields, text.not);
    const { start, end } = clip(0, subset.length, partial);
    return bytesData(subset.subarray(start, end));
  }
  // The whole message (BODY[], the common case) without a call and a microtask hop through rangeOf.
  const range = section.part.length === 0 && section.text === null ? { start: 0, end: src.target.meta.size } : await rangeOf(src, section);
  if (range === null) return '';
  const { start, end } = clip(range.start, range.end, partial);
  if (end <= start) return '';
  if (end - start > streamThreshold) return new StreamLiteral(end - start, src.opener(start, end));
  return bytesData(await src.range(start, end));
}

/** The decoded content of a leaf part; null when there is no such part. */
async function decoded(src: MessageSource, part: readonly number[]): Promise<Buffer | null> {
  const summary = await src.summary();
  const content = binaryContent(await src.whole(), summary.root, part);
  if (content === 'unknown-cte') throw new UnknownCteError(part.join('.'));
  return content;
}

/** BINARY[part]<partial>: a literal8 (~{n}) only when the data has a NUL (RFC 9051 §7.5.2). */
export async function binarySection(src: MessageSource, section: Section, partial: Partial | null): Promise<ImapData> {
  const content = await decoded(src, section.part);
  if (content === null) return '';
  const { start, end } = clip(0, content.length, partial);
  const slice = content.subarray(start, end);
  return bytesData(slice, slice.includes(0));
}

/** BINARY.SIZE[part]: the size BINARY[part] would send (RFC 9051 §7.5.2). */
export async function binarySize(src: MessageSource, section: Section): Promise<number> {
  return (await decoded(src, section.part))?.length ?? 0;
}

