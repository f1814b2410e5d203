// Modified UTF-7 mailbox names (RFC 3501 §5.1.3), used with IMAP4rev1 clients that have not
// enabled UTF8=ACCEPT/IMAP4rev2 (RFC 9051 §5.1 sends UTF-8 instead).
import { ParseError } from './errors.js';

/** UTF-8 (JS string) -> modified UTF-7. */
export function encodeMailboxUtf7(name: string): string {
  let out = '';
  let pending: number[] = []; // UTF-16 code units waiting to be base64'd
  const flush = () => {
    if (pending.length === 0) return;
    const buf = Buffer.alloc(pending.length * 2);
    pending.forEach((u, i) => buf.writeUInt16BE(u, i * 2));
    // modified BASE64: "," for "/", no "=" padding
    out += '&' + buf.toString('base64').replace(/=+$/, '').replace(/\//g, ',') + '-';
    pending = [];
  };
  for (let i = 0; i < name.length; i++) {
    const u = name.charCodeAt(i);
    if (u >= 0x20 && u <= 0x7e) {
      flush();
      out += u === 0x26 ? '&-' : name.charAt(i);
    } else pending.push(u);
  }
  flush();
  return out;
}

/**
 * Modified UTF-7 -> UTF-8 (JS string). Throws ParseError on: raw bytes outside printable US-ASCII,
 * an unterminated "&", characters outside modified BASE64, bits left over, or broken surrogates.
 * Tolerated although a strict encoder never makes them: printable ASCII inside "&...-" and two
 * encoded runs back to back; they decode to what they say.
 */
export function decodeMailboxUtf7(raw: string): string {
  let out = '';
  let i = 0;
  while (i < raw.length) {
    const c = raw.charCodeAt(i);
    if (c < 0x20 || c > 0x7e) throw bad(raw, `character U+${c.toString(16).padStart(4, '0').toUpperCase()} at position ${i + 1} must be encoded`);
    if (c !== 0x26) {
      out += raw.charAt(i++);
      continue;
    }
    const end = raw.indexOf('-', i + 1);
    if (end < 0) throw bad(raw, `"&" at position ${i + 1} has no closing "-"`);
    const b64 = raw.slice(i + 1, end);
    out += b64 === '' ? '&' : decodeRun(raw, b64, i + 1);
    i = end + 1;
  }
  return out;
}

function decodeRun(raw: string, b64: string, at: number): string {
  if (!/^[A-Za-z0-9+,]+$/.test(b64)) throw bad(raw, `invalid modified BASE64 after "&" at position ${at}`);
  const bits = b64.length * 6;
  // Whole UTF-16 units, and fewer than 6 zero bits of padding (RFC 2152 via RFC 3501 §5.1.3).
  if (bits % 16 >= 6) throw bad(raw, `modified BASE64 after "&" at position ${at} does not end on a character`);
  const bytes = Buffer.from(b64.replace(/,/g, '/'), 'base64');
  const units = Math.floor(bits / 16);
  if (bytes.length < units * 2) throw bad(raw, `invalid modified BASE64 after "&" at position ${at}`);
  const last = base64Value(b64.charAt(b64.length - 1));
  const padBits = bits % 16;
  if (padBits > 0 && (last & ((1 << padBits) - 1)) !== 0) throw bad(raw, `modified BASE64 after "&" at position ${at} has stray bits`);
  let s = '';
  for (let k = 0; k < units; k++) {
    const u = bytes.readUInt16BE(k * 2);
    if (u >= 0xd800 && u <= 0xdbff) {
      const next = k + 1 < units ? bytes.readUInt16BE((k + 1) * 2) : -1;
      if (next < 0xdc00 || next > 0xdfff) throw bad(raw, `broken surrogate pair after "&" at position ${at}`);
      s += String.fromCharCode(u, next);
      k++;
    } else if (u >= 0xdc00 && u <= 0xdfff) throw bad(raw, `broken surrogate pair after "&" at position ${at}`);
    else s += String.fromCharCode(u);
  }
  return s;
}

function base64Value(c: string): number {
  return 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+,'.indexOf(c);
}

function bad(raw: string, why: string): ParseError {
  return new ParseError(`Invalid modified UTF-7 mailbox name "${raw.length > 60 ? raw.slice(0, 60) + '...' : raw}": ${why}`, null);
}
