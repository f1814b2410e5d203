// The ENVELOPE (RFC 9051 §7.5.2, §9 envelope) as IMAP text, byte for byte what the response writer
// (src/imap/wire/writer.ts serialize(envelopeData(env))) sends, without building a value tree. The
// store keeps this text per content when it is the same for every session, so FETCH ENVELOPE copies
// one string per message. test/mime/envelope-imap.test.ts pins the equality with the writer.
import type { Address, Envelope } from './types.js';

/** Longest string the writer still sends quoted (writer.ts MAX_QUOTED_BYTES). */
const MAX_QUOTED_BYTES = 1024;
const CR_LF_NUL = /[\r\n\0]/;
const QUOTED_SPECIALS = /["\\]/g;
const NOT_ASCII = /[^\x00-\x7f]/;

/** nstring as the writer sends it: NIL, a quoted string, or a literal (RFC 9051 §4.3: quoted strings
 *  hold no CR, LF or NUL, and 8-bit text only once UTF-8 is on, RFC 6855 §3). */
function nstring(s: string | null, utf8: boolean): string {
  if (s === null) return 'NIL';
  const bytes = Buffer.byteLength(s, 'utf8');
  if (bytes <= MAX_QUOTED_BYTES && !CR_LF_NUL.test(s) && (utf8 || !NOT_ASCII.test(s))) return `"${s.replace(QUOTED_SPECIALS, '\\$&')}"`;
  return `{${bytes}}\r\n${s}`;
}

/** env-from etc.: "(" 1*address ")" / nil, the addresses with no space between them (RFC 9051 §9). */
function addressList(list: readonly Address[] | null, utf8: boolean): string {
  if (list === null || list.length === 0) return 'NIL';
  let s = '(';
  for (const a of list) s += `(${nstring(a.name, utf8)} ${nstring(a.adl, utf8)} ${nstring(a.mailbox, utf8)} ${nstring(a.host, utf8)})`;
  return `${s})`;
}

/** The envelope as a session with UTF-8 on (`utf8`, RFC 9051 or UTF8=ACCEPT) or off receives it. */
export function envelopeImap(env: Envelope, utf8: boolean): string {
  return (
    `(${nstring(env.date, utf8)} ${nstring(env.subject, utf8)} ${addressList(env.from, utf8)} ${addressList(env.sender, utf8)} ` +
    `${addressList(env.replyTo, utf8)} ${addressList(env.to, utf8)} ${addressList(env.cc, utf8)} ${addressList(env.bcc, utf8)} ` +
    `${nstring(env.inReplyTo, utf8)} ${nstring(env.messageId, utf8)})`
  );
}

/** The text when every session receives the same bytes (no 8-bit string that one mode quotes and the
 *  other sends as a literal); null otherwise. */
export function sessionIndependentEnvelopeImap(env: Envelope): string | null {
  const text = envelopeImap(env, false);
  return text === envelopeImap(env, true) ? text : null;
}
