// Parses IMAP data (parenthesized lists, quoted strings, literals, NIL, atoms) into plain values:
// a list -> array, NIL -> null, a quoted string or literal -> { s: string }, an atom or number -> string.
export type SValue = null | string | { readonly s: string } | SValue[];

export function parseSexp(text: string): SValue {
  let i = 0;
  const ws = (): void => {
    while (text[i] === ' ') i++;
  };
  const value = (): SValue => {
    ws();
    const c = text[i];
    if (c === '(') {
      i++;
      const out: SValue[] = [];
      for (;;) {
        ws();
        if (text[i] === ')') {
          i++;
          return out;
        }
        if (i >= text.length) throw new Error(`unterminated list in ${text}`);
        out.push(value());
      }
    }
    if (c === '"') {
      i++;
      let s = '';
      while (i < text.length && text[i] !== '"') {
        if (text[i] === '\\') i++;
        s += text[i];
        i++;
      }
      i++;
      return { s };
    }
    if (c === '{' || (c === '~' && text[i + 1] === '{')) {
      const close = text.indexOf('}', i);
      const n = Number(text.slice(c === '~' ? i + 2 : i + 1, close));
      // literals are inlined as {n}\r\n<bytes>; the text is UTF-8 decoded, so count bytes
      const start = close + 3;
      const rest = Buffer.from(text.slice(start), 'utf8');
      const s = rest.subarray(0, n).toString('utf8');
      i = start + s.length;
      return { s };
    }
    const m = /^[^ ()"]+/.exec(text.slice(i));
    if (!m) throw new Error(`unexpected ${JSON.stringify(text.slice(i, i + 20))} in ${text}`);
    i += m[0].length;
    return m[0].toUpperCase() === 'NIL' ? null : m[0];
  };
  return value();
}

/** The string content of a quoted/literal value, or null for NIL. */
export function str(v: SValue | undefined): string | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string') return v;
  if (Array.isArray(v)) throw new Error(`expected a string, got a list`);
  return v.s;
}

/** Upper-cased string content (for case-insensitive MIME tokens). */
export function ustr(v: SValue | undefined): string | null {
  const s = str(v);
  return s === null ? null : s.toUpperCase();
}

export function list(v: SValue | undefined): SValue[] {
  if (!Array.isArray(v)) throw new Error(`expected a list, got ${JSON.stringify(v)}`);
  return v;
}
