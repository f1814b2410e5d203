// String collation for SORT and THREAD: RFC 5256 §7 requires i;unicode-casemap (RFC 5051), which
// compares the case-folded, compatibility-decomposed strings octet by octet. foldCase is the same
// folding SEARCH uses; comparing by code point equals comparing the UTF-8 octets.
import { foldCase } from '../search/fold.js';

/** A string's sort key: folded, and ordered by code point when compared unit by unit. Keys are
 *  compared and matched, never shown (they may hold lone surrogates). */
export function collationKey(text: string): string {
  return codePointOrdered(foldCase(text));
}

const ABOVE_SURROGATES = /[\uD800-\uFFFF]/;

/**
 * The string with its UTF-16 units rearranged so that JavaScript's comparison of strings (unit by
 * unit, natively) gives code-point order (= UTF-8 octet order). Units agree with code points
 * except where a surrogate (U+D800-DFFF, half of a character above U+FFFF) meets a unit of
 * U+E000-FFFF: the surrogate's character is the higher one. Shifting both ranges puts the
 * surrogates on top; other strings, nearly all, are returned as they are. A comparator that did
 * this per comparison (charCodeAt) was half of a cached SORT (SUBJECT) of 100,000 messages.
 */
export function codePointOrdered(text: string): string {
  if (!ABOVE_SURROGATES.test(text)) return text;
  const units = new Uint16Array(text.length);
  for (let i = 0; i < text.length; i++) {
    const u = text.charCodeAt(i);
    units[i] = u >= 0xe000 ? u - 0x800 : u >= 0xd800 ? u + 0x2000 : u;
  }
  let out = '';
  for (let i = 0; i < units.length; i += 8192) out += String.fromCharCode(...units.subarray(i, i + 8192));
  return out;
}

/** The order of two keys made by collationKey (or codePointOrdered); the empty string sorts
 *  first (RFC 5256 §3 SORT). */
export function compareKeys(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
