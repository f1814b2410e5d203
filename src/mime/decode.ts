// Transfer decoding (RFC 2045 §6), charset decoding, RFC 2047 encoded words. Never throws: mail
// in the wild breaks every rule, and search/BINARY must still give an answer.
import { isAscii, isUtf8 } from 'node:buffer';
import iconv from 'iconv-lite';

/** Decodes a body from its Content-Transfer-Encoding. Unknown encodings are returned as they are
 *  (callers that must know, like BINARY, check `isKnownEncoding` first). */
export function decodeTransfer(body: Buffer, encoding: string): Buffer {
  switch (encoding.trim().toLowerCase()) {
    case 'base64':
      return decodeBase64(body);
    case 'quoted-printable':
      return decodeQuotedPrintable(body);
    default:
      return body;
  }
}

/** RFC 3516 §4.3: a server that cannot decode a CTE answers [UNKNOWN-CTE]. */
export function isKnownEncoding(encoding: string): boolean {
  return ['', '7bit', '8bit', 'binary', 'base64', 'quoted-printable'].includes(encoding.trim().toLowerCase());
}

/** RFC 2045 §6.8: characters outside the alphabet are ignored. Padding ends a segment; some mailers
 *  concatenate padded segments, so each segment is decoded on its own. */
function decodeBase64(body: Buffer): Buffer {
  const text = body.toString('latin1').replace(/[^A-Za-z0-9+/=]/g, '');
  const parts: Buffer[] = [];
  for (const segment of text.split(/=+/)) {
    if (segment.length > 0) parts.push(Buffer.from(segment, 'base64'));
  }
  return parts.length === 1 ? (parts[0] as Buffer) : Buffer.concat(parts);
}

function hexValue(c: number | undefined): number {
  if (c === undefined) return -1;
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x41 && c <= 0x46) return c - 0x37;
  if (c >= 0x61 && c <= 0x66) return c - 0x57;
  return -1;
}

/** RFC 2045 §6.7: =XX octets (lower-case hex tolerated), "=" at the end of a line is a soft break,
 *  trailing white space before a line break is transport padding and removed. A "=" not followed
 *  by hex is kept literally (rule 1 robustness note). */
function decodeQuotedPrintable(body: Buffer): Buffer {
  const out = Buffer.allocUnsafe(body.length);
  let n = 0;
  let i = 0;
  const len = body.length;
  while (i < len) {
    const c = body[i] as number;
    if (c === 0x3d) {
      const h = hexValue(body[i + 1]);
      const l = hexValue(body[i + 2]);
      if (h >= 0 && l >= 0) {
        out[n++] = h * 16 + l;
        i += 3;
        continue;
      }
      // Soft line break: "=" then optional WSP then (CR)LF or the end of the body.
      let j = i + 1;
      while (j < len && (body[j] === 0x20 || body[j] === 0x09)) j++;
      if (j === len) break;
      if (body[j] === 0x0a) {
        i = j + 1;
        continue;
      }
      if (body[j] === 0x0d && (j + 1 === len || body[j + 1] === 0x0a)) {
        i = j + 2;
        continue;
      }
      out[n++] = c;
      i++;
      continue;
    }
    if (c === 0x20 || c === 0x09) {
      // Drop trailing white space of a line.
      let j = i;
      while (j < len && (body[j] === 0x20 || body[j] === 0x09)) j++;
      if (j === len || body[j] === 0x0a || (body[j] === 0x0d && body[j + 1] === 0x0a)) {
        i = j;
        continue;
      }
      while (i < j) out[n++] = body[i++] as number;
      continue;
    }
    out[n++] = c;
    i++;
  }
  return out.subarray(0, n);
}

/** Label aliases that neither TextDecoder nor iconv-lite know, seen in real mail. */
const ALIASES: Record<string, string> = {
  'ks_c_5601-1987': 'euc-kr',
  'x-sjis': 'shift_jis',
  'x-gbk': 'gbk',
  'iso-2022-jp-2': 'iso-2022-jp',
  'x-unknown': 'utf-8',
  unicode: 'utf-16le',
  cp1252: 'windows-1252',
  // As WHATWG does: mail labelled Latin-1 often holds Windows-1252 quotes and euro signs.
  latin1: 'windows-1252',
  'iso-8859-1': 'windows-1252',
  'iso8859-1': 'windows-1252',
};

/** Bytes in a charset to text. us-ascii (the RFC 2045 default) and unknown charsets fall back to
 *  UTF-8 when the bytes are valid UTF-8 and Windows-1252 otherwise; never throws. */
export function decodeCharset(bytes: Buffer, charset: string | null): string {
  const label = charsetLabel(charset);
  if (decodesByFallback(label)) return fallback(bytes);
  // iconv-lite first: Node's TextDecoder maps windows-1252 like Latin-1 (0x80 stays U+0080).
  try {
    if (iconv.encodingExists(label)) return iconv.decode(bytes, label);
  } catch {
    // fall through
  }
  try {
    const decoder = new TextDecoder(label);
    // WHATWG maps dangerous labels (iso-2022-kr, hz-gb-2312) to "replacement": no text at all.
    if (decoder.encoding !== 'replacement') return decoder.decode(bytes);
  } catch {
    // not a known label either
  }
  return fallback(bytes);
}

/** The length decodeCharset(bytes, charset) would have, when it is known without decoding: bytes that
 *  are all ASCII, in a charset decoded by fallback(), whose UTF-8 and Windows-1252 both map each of
 *  them to one UTF-16 unit; null otherwise (other charsets may not: UTF-16, UTF-7, ISO-2022-JP). */
export function asciiTextLength(bytes: Buffer, charset: string | null): number | null {
  return decodesByFallback(charsetLabel(charset)) && isAscii(bytes) ? bytes.length : null;
}

function charsetLabel(charset: string | null): string {
  let label = (charset ?? '').trim().replace(/^["']|["']$/g, '').toLowerCase();
  // RFC 2231 §5 language suffix on encoded words: "utf-8*en".
  const star = label.indexOf('*');
  if (star >= 0) label = label.slice(0, star);
  return ALIASES[label] ?? label;
}

function decodesByFallback(label: string): boolean {
  return label === '' || label === 'us-ascii' || label === 'ascii' || label === 'utf-8' || label === 'utf8';
}

function fallback(bytes: Buffer): string {
  if (isUtf8(bytes)) return bytes.toString('utf8');
  return iconv.decode(bytes, 'windows-1252');
}

const ENCODED_WORD = /=\?([^?\s]+)\?([BbQq])\?([^?\s]*)\?=/g;

/** RFC 2047 encoded words to text. White space between adjacent encoded words is dropped (§6.2);
 *  adjacent words in the same charset are decoded together, so that a multi-byte character split
 *  across two words survives. Malformed words are left as they are. */
export function decodeWords(value: string): string {
  if (!value.includes('=?')) return value;
  let out = '';
  let last = 0;
  let runCharset = '';
  let run: Buffer[] = [];
  const flush = (): void => {
    if (run.length > 0) out += decodeCharset(Buffer.concat(run), runCharset);
    run = [];
  };
  for (const m of value.matchAll(ENCODED_WORD)) {
    const between = value.slice(last, m.index);
    const charset = (m[1] as string).toLowerCase();
    const bytes = decodeWordBytes(m[2] as string, m[3] as string);
    const adjacent = run.length > 0 && /^[ \t\r\n]*$/.test(between);
    if (!adjacent || charset !== runCharset) {
      flush();
      if (!adjacent) out += between;
      runCharset = charset;
    }
    run.push(bytes);
    last = m.index + m[0].length;
  }
  flush();
  return out + value.slice(last);
}

function decodeWordBytes(encoding: string, text: string): Buffer {
  if (encoding === 'B' || encoding === 'b') return decodeBase64(Buffer.from(text, 'latin1'));
  // RFC 2047 §4.2: "_" is a space, =XX an octet, everything else itself.
  const out: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x5f) out.push(0x20);
    else if (c === 0x3d && hexValue(text.charCodeAt(i + 1)) >= 0 && hexValue(text.charCodeAt(i + 2)) >= 0) {
      out.push(hexValue(text.charCodeAt(i + 1)) * 16 + hexValue(text.charCodeAt(i + 2)));
      i += 2;
    } else out.push(c & 0xff);
  }
  return Buffer.from(out);
}
