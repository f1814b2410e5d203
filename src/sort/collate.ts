// String collation for SORT and THREAD: RFC 5256 §7 requires i;unicode-casemap (RFC 5051), which
// compares the case-folded, compatibility-decomposed strings octet by octet. foldCase is the same
// folding SEARCH uses; comparing by code point equals comparing the UTF-8 octets.
import { foldCase } from '../search/fold.js';

export function collationKey(text: string): string {
  return foldCase(text);
}

/** Code-point order (= UTF-8 octet order); the empty string sorts first (RFC 5256 §3 SORT). */
export function compareKeys(a: string, b: string): number {
  if (a === b) return 0;
  const ia = a[Symbol.iterator]();
  const ib = b[Symbol.iterator]();
  for (;;) {
    const x = ia.next();
    const y = ib.next();
    if (x.done) return y.done ? 0 : -1;
    if (y.done) return 1;
    const d = (x.value.codePointAt(0) ?? 0) - (y.value.codePointAt(0) ?? 0);
    if (d !== 0) return d;
  }
}
