// SEARCH CHARSET (RFC 9051 §6.4.4): US-ASCII and UTF-8 MUST be supported; any other charset is
// refused by the IMAP layer with NO [BADCHARSET (US-ASCII UTF-8)] (RFC 9051 §7.1).

/** The list sent in [BADCHARSET (...)]. */
export const SUPPORTED_SEARCH_CHARSETS: readonly string[] = ['US-ASCII', 'UTF-8'];

/** True for a charset we can search in; null (no CHARSET given) means US-ASCII/UTF-8. */
export function charsetSupported(name: string | null): boolean {
  if (name === null) return true;
  const upper = name.toUpperCase();
  return SUPPORTED_SEARCH_CHARSETS.includes(upper);
}

export class UnsupportedCharsetError extends Error {
  constructor(readonly charset: string) {
    super(`unsupported search charset ${charset}`);
    this.name = 'UnsupportedCharsetError';
  }
}

const utf8 = new TextDecoder('utf-8');

/** Search string bytes -> text. US-ASCII is a subset of UTF-8, and clients that send 8-bit bytes
 *  under US-ASCII (or without CHARSET, as IMAP4rev2 allows) mean UTF-8, so both decode as UTF-8;
 *  invalid sequences become U+FFFD and so match nothing real. */
export function decodeSearchString(bytes: Uint8Array, charset: string | null): string {
  if (!charsetSupported(charset)) throw new UnsupportedCharsetError(charset ?? '');
  return utf8.decode(bytes);
}
