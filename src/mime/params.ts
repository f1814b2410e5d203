// Structured MIME fields: Content-Type and Content-Disposition with their parameters (RFC 2045 §5.1,
// RFC 2183 §2), RFC 2231 continuations and charset'language'encoded values, quoted strings and
// comments. Tolerant: unquoted values with spaces are taken up to the next ";".
import { decodeCharset } from './decode.js';

export type Params = ReadonlyArray<readonly [string, string]>;

/** RFC 2045 §5.1 token: any CHAR except SPACE, CTLs and tspecials. */
const TOKEN = /^[!#$%&'*+\-.^_`{|}~0-9A-Za-z]+$/;

/** Removes RFC 5322 §3.2.2 comments (nested, with quoted-pairs), leaving quoted strings intact. */
export function stripComments(value: string): string {
  if (!value.includes('(')) return value;
  let out = '';
  let depth = 0;
  let quoted = false;
  for (let i = 0; i < value.length; i++) {
    const c = value[i] as string;
    if (c === '\\' && (quoted || depth > 0)) {
      if (depth === 0) out += c + (value[i + 1] ?? '');
      i++;
      continue;
    }
    if (depth > 0) {
      if (c === '(') depth++;
      else if (c === ')') depth--;
      continue;
    }
    if (c === '"') quoted = !quoted;
    else if (c === '(' && !quoted) {
      depth = 1;
      out += ' ';
      continue;
    }
    out += c;
  }
  return out;
}

/** "type/subtype; params" -> lower-cased type and subtype, or null when they are not valid tokens. */
export function parseContentType(value: string): { type: string; subtype: string; params: Params } | null {
  const clean = stripComments(value);
  const semi = clean.indexOf(';');
  const head = (semi < 0 ? clean : clean.slice(0, semi)).trim();
  const slash = head.indexOf('/');
  if (slash < 0) return null;
  const type = head.slice(0, slash).trim().toLowerCase();
  const subtype = head.slice(slash + 1).trim().toLowerCase();
  if (!TOKEN.test(type) || !TOKEN.test(subtype)) return null;
  return { type, subtype, params: semi < 0 ? [] : parseParams(clean.slice(semi)) };
}

/** RFC 2183: "disposition-type; params", type lower-cased; null when there is no type. */
export function parseDisposition(value: string): { type: string; params: Params } | null {
  const clean = stripComments(value);
  const semi = clean.indexOf(';');
  const type = (semi < 0 ? clean : clean.slice(0, semi)).trim().toLowerCase();
  if (!TOKEN.test(type)) return null;
  return { type, params: semi < 0 ? [] : parseParams(clean.slice(semi)) };
}

interface Raw {
  readonly name: string;
  readonly value: string;
}

/** Parses "; a=b; c="d"" (comments already removed) into raw name/value pairs. */
function splitParams(text: string): Raw[] {
  const out: Raw[] = [];
  let i = 0;
  while (i < text.length) {
    // Skip separators and white space.
    while (i < text.length && /[;\s]/.test(text[i] as string)) i++;
    const eq = text.indexOf('=', i);
    const semi = text.indexOf(';', i);
    if (eq < 0 || (semi >= 0 && semi < eq)) {
      // A parameter without "=": skip it.
      i = semi < 0 ? text.length : semi + 1;
      continue;
    }
    const name = text.slice(i, eq).trim().toLowerCase();
    i = eq + 1;
    while (i < text.length && /[ \t]/.test(text[i] as string)) i++;
    let value = '';
    if (text[i] === '"') {
      i++;
      while (i < text.length && text[i] !== '"') {
        if (text[i] === '\\' && i + 1 < text.length) i++;
        value += text[i];
        i++;
      }
      i++;
      // Anything after the closing quote up to ";" is garbage.
      const next = text.indexOf(';', i);
      i = next < 0 ? text.length : next;
    } else {
      const next = text.indexOf(';', i);
      const end = next < 0 ? text.length : next;
      value = text.slice(i, end).trim();
      i = end;
    }
    if (name !== '' && !/\s/.test(name)) out.push({ name, value });
  }
  return out;
}

/** Parameters in order of first appearance; RFC 2231 §3 continuations joined and §4 values decoded. */
export function parseParams(text: string): Params {
  const order: string[] = [];
  const plain = new Map<string, string>();
  const extended = new Map<string, Map<number, { value: string; encoded: boolean }>>();
  for (const { name, value } of splitParams(text)) {
    const m = /^(.+?)(?:\*(\d+))?(\*)?$/.exec(name);
    const base = m?.[1] ?? name;
    const index = m?.[2];
    const encoded = m?.[3] !== undefined;
    if (!order.includes(base)) order.push(base);
    if (index === undefined && !encoded) {
      if (!plain.has(base)) plain.set(base, value);
      continue;
    }
    let segments = extended.get(base);
    if (!segments) extended.set(base, (segments = new Map()));
    const n = index === undefined ? 0 : Number(index);
    if (!segments.has(n) && n < 1000) segments.set(n, { value, encoded });
  }
  const out: Array<readonly [string, string]> = [];
  for (const name of order) {
    const segments = extended.get(name);
    const value = segments ? joinExtended(segments) : plain.get(name);
    out.push([name, value ?? plain.get(name) ?? '']);
  }
  return out;
}

/** Joins continuation segments 0, 1, 2... (stopping at a gap) and decodes them (RFC 2231 §4.1):
 *  the first encoded segment may carry charset'language'. */
function joinExtended(segments: Map<number, { value: string; encoded: boolean }>): string {
  let charset: string | null = null;
  const bytes: Buffer[] = [];
  for (let n = 0; segments.has(n); n++) {
    const seg = segments.get(n) as { value: string; encoded: boolean };
    let value = seg.value;
    if (seg.encoded) {
      if (n === 0) {
        const m = /^([^']*)'([^']*)'(.*)$/s.exec(value);
        if (m) {
          charset = m[1] || null;
          value = m[3] as string;
        }
      }
      bytes.push(percentDecode(value));
    } else {
      bytes.push(Buffer.from(value, 'utf8'));
    }
  }
  return decodeCharset(Buffer.concat(bytes), charset);
}

function percentDecode(value: string): Buffer {
  const out: number[] = [];
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c === 0x25 && /^[0-9A-Fa-f]{2}$/.test(value.slice(i + 1, i + 3))) {
      out.push(parseInt(value.slice(i + 1, i + 3), 16));
      i += 2;
    } else if (c < 0x80) out.push(c);
    else out.push(...Buffer.from(value[i] as string, 'utf8'));
  }
  return Buffer.from(out);
}

/** Content-Language (RFC 3282): comma-separated tags, or null when there are none. */
export function parseLanguage(value: string): string[] | null {
  const tags = stripComments(value)
    .split(',')
    .map((t) => t.trim())
    .filter((t) => t !== '');
  return tags.length > 0 ? tags : null;
}
