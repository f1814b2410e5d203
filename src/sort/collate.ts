// String collation for SORT and THREAD: RFC 5256 §7 requires i;unicode-casemap (RFC 5051), which
// compares the case-folded, compatibility-decomposed strings octet by octet. foldCase is the same
// folding SEARCH uses; comparing by code point equals comparing the UTF-8 octets.
import { foldCase } from '../search/fold.js';

export function collationKey(text: string): string {
  return foldCase(text);
}

/** Code-point order (= UTF-8 octet order); the empty string sorts first (RFC 5256 §3 SORT).
 *  Compares UTF-16 code units, which agree with code points except where a surrogate (U+D800-DFFF,
 *  half of a character above U+FFFF) meets a unit of U+E000-FFFF: the surrogate's character is the
 *  higher one. Shifting both ranges puts the surrogates on top. A string iterator per comparison made
 *  a SORT of 100,000 subjects spend most of its time allocating iteration results. */
export function compareKeys(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x === y) continue;
    if (x >= 0xd800 && y >= 0xd800) {
      x = x >= 0xe000 ? x - 0x800 : x + 0x2000;
      y = y >= 0xe000 ? y - 0x800 : y + 0x2000;
    }
    return x - y;
  }
  return a.length - b.length;
}
