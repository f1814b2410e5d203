// Value formats of FETCH response items (RFC 9051 §9 date-time, section, header-list).
import type { Section } from '../wire/ast.js';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** date-time = DQUOTE date-day-fixed "-" date-month "-" date-year SP time SP zone DQUOTE, in UTC
 *  ("+0000"); the day as 2DIGIT, which date-day-fixed allows, as Dovecot sends it. */
export function imapDateTime(ms: number): string {
  const d = new Date(ms);
  const two = (n: number): string => String(n).padStart(2, '0');
  return (
    `${two(d.getUTCDate())}-${MONTHS[d.getUTCMonth()] ?? 'Jan'}-${String(d.getUTCFullYear()).padStart(4, '0')} ` +
    `${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())} +0000`
  );
}

/** A header field name as an astring: atom when it can be, else quoted (RFC 9051 §9 header-fld-name). */
function fieldName(name: string): string {
  const upper = name.toUpperCase();
  // ATOM-CHAR excludes atom-specials: ( ) { SP CTL % * " \ ]
  if (/^[\x21-\x7e]+$/.test(upper) && !/[(){%*"\\\]]/.test(upper)) return upper;
  return `"${upper.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

/** The section spec inside [...], echoing what the client asked (field names upper-cased). */
export function sectionText(section: Section): string {
  const parts = section.part.join('.');
  const text = section.text;
  if (text === null) return parts;
  const spec =
    typeof text === 'string' ? text : `HEADER.FIELDS${text.not ? '.NOT' : ''} (${text.fields.map(fieldName).join(' ')})`;
  return parts === '' ? spec : `${parts}.${spec}`;
}

/** "<origin>" only when the client asked for a partial (RFC 9051 §7.5.2: never otherwise). */
export function originText(partial: { readonly offset: number } | null): string {
  return partial === null ? '' : `<${partial.offset}>`;
}
