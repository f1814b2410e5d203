// Raw message bytes to a MessageSummary: the MIME tree with byte offsets (RFC 2045/2046), the
// envelope, decoded top-level header fields and the sent date. Never throws on garbage.
import { countLines } from './bytes.js';
import { parseDate } from './date.js';
import { decodeWords } from './decode.js';
import { buildEnvelope } from './envelope.js';
import { fieldText, firstField, parseHeader, type RawField } from './header.js';
import { splitMultipart } from './multipart.js';
import { parseContentType, parseDisposition, parseLanguage, stripComments, type Params } from './params.js';
import type { MessageSummary, MimePart } from './types.js';

/** Nesting beyond this (multiparts and encapsulated messages together) is treated as opaque, so
 *  hostile input cannot blow the stack or cost quadratic time. */
export const MAX_DEPTH = 100;

/** Encodings under which an encapsulated message can be parsed in place (RFC 2046 §5.2.1; RFC 6532
 *  §3.7 lets message/global be base64 or QP, and then it stays opaque). */
const IDENTITY_ENCODINGS = new Set(['7BIT', '8BIT', 'BINARY']);

export function parseMessage(bytes: Buffer): MessageSummary {
  const { part, fields } = parseEntity(bytes, 0, bytes.length, 0, false);
  const dateField = firstField(fields, 'date');
  return {
    envelope: buildEnvelope(fields),
    root: part,
    headers: fields.map((f) => [f.name, decodeWords(fieldText(f))] as const),
    sentDate: dateField === undefined ? null : parseDate(fieldText(dateField)),
  };
}

function text(fields: readonly RawField[], name: string): string | null {
  const field = firstField(fields, name);
  return field === undefined ? null : fieldText(field);
}

/** Parses one entity (a message or a body part) spanning [start, end). */
function parseEntity(bytes: Buffer, start: number, end: number, depth: number, inDigest: boolean): { part: MimePart; fields: readonly RawField[] } {
  const header = parseHeader(bytes, start, end);
  const fields = header.fields;
  const bodyStart = header.bodyStart;
  const ctValue = text(fields, 'content-type');
  const ct = ctValue === null ? null : parseContentType(ctValue);
  // RFC 2045 §5.2 default (also for an invalid Content-Type); RFC 2046 §5.1.5 in a digest.
  const { type, subtype, params } =
    ct ?? (inDigest ? { type: 'message', subtype: 'rfc822', params: [] as Params } : { type: 'text', subtype: 'plain', params: [['charset', 'us-ascii']] as Params });
  const cte = stripComments(text(fields, 'content-transfer-encoding') ?? '').trim().toUpperCase();
  const encoding = cte === '' ? '7BIT' : cte;
  const dispositionValue = text(fields, 'content-disposition');
  const languageValue = text(fields, 'content-language');

  let children: MimePart[] = [];
  let message: MimePart['message'] = null;
  if (depth < MAX_DEPTH) {
    if (type === 'multipart') {
      const boundary = params.find(([name]) => name === 'boundary')?.[1] ?? '';
      children = splitMultipart(bytes, bodyStart, end, boundary).map(
        ([s, e]) => parseEntity(bytes, s, e, depth + 1, subtype === 'digest').part,
      );
    } else if (type === 'message' && (subtype === 'rfc822' || subtype === 'global') && IDENTITY_ENCODINGS.has(encoding)) {
      const inner = parseEntity(bytes, bodyStart, end, depth + 1, false);
      message = { envelope: buildEnvelope(inner.fields), root: inner.part };
    }
  }

  const part: MimePart = {
    headerStart: start,
    bodyStart,
    bodyEnd: end,
    type,
    subtype,
    params,
    id: text(fields, 'content-id'),
    description: text(fields, 'content-description'),
    encoding,
    md5: text(fields, 'content-md5'),
    disposition: dispositionValue === null ? null : parseDisposition(dispositionValue),
    language: languageValue === null ? null : parseLanguage(languageValue),
    location: text(fields, 'content-location'),
    size: end - bodyStart,
    lines: type === 'text' || type === 'message' ? countLines(bytes, bodyStart, end) : 0,
    children,
    message,
  };
  return { part, fields };
}
