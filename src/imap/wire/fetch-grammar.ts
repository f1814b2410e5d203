// FETCH attributes (RFC 9051 §6.4.5, RFC 3501 §6.4.5, RFC 3516 BINARY, RFC 7162 MODSEQ,
// RFC 8474 EMAILID/THREADID, RFC 8514 SAVEDATE, RFC 8970 PREVIEW) and section specs.
import type { FetchAtt, Partial, Section } from './ast.js';
import type { Parser } from './parser.js';

const SIMPLE = ['ENVELOPE', 'FLAGS', 'INTERNALDATE', 'RFC822.SIZE', 'UID', 'BODYSTRUCTURE', 'MODSEQ', 'EMAILID', 'THREADID', 'SAVEDATE'] as const;
const RFC822 = ['RFC822', 'RFC822.HEADER', 'RFC822.TEXT'] as const;

// RFC 9051 §6.4.5: the macros are equivalent to these items.
const FAST: FetchAtt[] = [{ kind: 'FLAGS' }, { kind: 'INTERNALDATE' }, { kind: 'RFC822.SIZE' }];
const ALL: FetchAtt[] = [...FAST, { kind: 'ENVELOPE' }];
const FULL: FetchAtt[] = [...ALL, { kind: 'BODY' }];

/** FETCH items: "ALL" / "FULL" / "FAST" / fetch-att / "(" fetch-att *(SP fetch-att) ")" */
export function fetchItems(p: Parser): FetchAtt[] {
  if (p.tryChar('(')) {
    const items: FetchAtt[] = [];
    do items.push(fetchAtt(p));
    while (p.tryChar(' '));
    p.expectChar(')', 'after FETCH attributes');
    return items;
  }
  if (p.tryKeyword('ALL')) return [...ALL];
  if (p.tryKeyword('FAST')) return [...FAST];
  if (p.tryKeyword('FULL')) return [...FULL];
  return [fetchAtt(p)];
}

export function fetchAtt(p: Parser): FetchAtt {
  const start = p.column();
  const name = p.takeWhile((c) => /[A-Za-z0-9.]/.test(c)).toUpperCase();
  if (name === '') p.expected('a FETCH attribute');
  const bracket = p.peek() === '[';
  if (!bracket) {
    const simple = SIMPLE.find((s) => s === name);
    if (simple) return { kind: simple };
    const rfc822 = RFC822.find((s) => s === name);
    if (rfc822) return { kind: rfc822 };
    if (name === 'BODY') return { kind: 'BODY' };
    if (name === 'PREVIEW') return { kind: 'PREVIEW', lazy: previewModifiers(p) };
  }
  switch (name) {
    case 'BODY':
    case 'BODY.PEEK': {
      const section = sectionSpec(p);
      return { kind: 'BODY[]', section, partial: partial(p), peek: name === 'BODY.PEEK' };
    }
    case 'BINARY':
    case 'BINARY.PEEK': {
      const section = sectionBinary(p);
      return { kind: 'BINARY[]', section, partial: partial(p), peek: name === 'BINARY.PEEK' };
    }
    case 'BINARY.SIZE':
      return { kind: 'BINARY.SIZE', section: sectionBinary(p) };
  }
  p.fail(`Unknown FETCH attribute "${name}" (column ${start})`);
}

/** "PREVIEW" [SP "(" preview-mod *(SP preview-mod) ")"]; preview-mod = "LAZY" (RFC 8970 §6). Only
 *  " (LAZY" opens the modifiers, so that "FETCH 1 PREVIEW (CHANGEDSINCE 5)" still parses. */
function previewModifiers(p: Parser): boolean {
  if (!p.tryText(' (LAZY')) return false;
  while (p.tryChar(' ')) if (!p.tryKeyword('LAZY')) p.expected('LAZY', 'as a PREVIEW modifier');
  p.expectChar(')', 'after the PREVIEW modifiers');
  return true;
}

/** section = "[" [section-spec] "]" */
export function sectionSpec(p: Parser): Section {
  p.expectChar('[', 'to open the section');
  const part: number[] = [];
  let text: Section['text'] = null;
  if (p.tryChar(']')) return { part, text };
  // section-part = nz-number *("." nz-number)
  while (p.peek() >= '0' && p.peek() <= '9' && p.peek() !== '') {
    part.push(p.nzNumber('as a section part'));
    if (!p.tryChar('.')) break;
  }
  const endsWithDot = part.length > 0 && p.peek() !== ']';
  if (part.length === 0 || endsWithDot) text = sectionText(p, part.length > 0);
  p.expectChar(']', 'to close the section');
  return { part, text };
}

/** section-msgtext / "MIME" (only after a part number: RFC 9051 §6.4.5) */
function sectionText(p: Parser, afterPart: boolean): Section['text'] {
  if (p.tryKeyword('HEADER.FIELDS.NOT')) return { fields: headerList(p), not: true };
  if (p.tryKeyword('HEADER.FIELDS')) return { fields: headerList(p), not: false };
  if (p.tryKeyword('HEADER')) return 'HEADER';
  if (p.tryKeyword('TEXT')) return 'TEXT';
  if (afterPart && p.tryKeyword('MIME')) return 'MIME';
  p.expected(afterPart ? 'HEADER, HEADER.FIELDS, TEXT or MIME' : 'a part number, HEADER, HEADER.FIELDS or TEXT', 'in the section');
}

/** header-list = "(" header-fld-name *(SP header-fld-name) ")" */
function headerList(p: Parser): string[] {
  p.sp('before the header field list');
  p.expectChar('(', 'to open the header field list');
  const fields: string[] = [];
  do fields.push(p.astring('as a header field name'));
  while (p.tryChar(' '));
  p.expectChar(')', 'after the header field names');
  return fields;
}

/** section-binary = "[" [section-part] "]" (RFC 3516 §4.1) */
function sectionBinary(p: Parser): Section {
  p.expectChar('[', 'to open the section');
  const part: number[] = [];
  if (!p.tryChar(']')) {
    do part.push(p.nzNumber('as a section part'));
    while (p.tryChar('.'));
    p.expectChar(']', 'to close the section');
  }
  return { part, text: null };
}

/** partial = "<" number64 "." nz-number64 ">" */
function partial(p: Parser): Partial | null {
  if (!p.tryChar('<')) return null;
  const offset = p.number64('as the partial offset');
  p.expectChar('.', 'in the partial range');
  const length = p.nzNumber('as the partial length', Number.MAX_SAFE_INTEGER);
  p.expectChar('>', 'to close the partial range');
  return { offset, length };
}
