// Message IDs for THREAD=REFERENCES (RFC 5256 §3): msg-id (RFC 5322 §3.6.4) normalized so that a
// quoted local part equals the unquoted one (<"a b"@x> is a b@x); comparisons stay case-sensitive.

/** Every valid msg-id in a header value, in order, normalized. */
export function messageIds(value: string | null | undefined): string[] {
  const out: string[] = [];
  if (!value) return out;
  for (const m of value.matchAll(/<([^<>]*)>/g)) {
    const id = normalize(m[1] ?? '');
    if (id !== null) out.push(id);
  }
  return out;
}

function normalize(inner: string): string | null {
  const s = inner.replace(/[ \t\r\n]+/g, '');
  const at = s.lastIndexOf('@');
  if (at <= 0 || at === s.length - 1) return null; // id-left "@" id-right, both non-empty
  let left = s.slice(0, at);
  if (left.length >= 2 && left.startsWith('"') && left.endsWith('"')) left = left.slice(1, -1).replace(/\\(.)/g, '$1');
  if (left === '') return null;
  return `${left}@${s.slice(at + 1)}`;
}

/** The header's value (first occurrence), from a summary's decoded header list. */
export function headerValue(headers: ReadonlyArray<readonly [string, string]> | undefined, name: string): string | null {
  for (const [n, v] of headers ?? []) if (n === name) return v;
  return null;
}
