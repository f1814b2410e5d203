// ENVELOPE, BODY and BODYSTRUCTURE as ImapData, exactly the RFC 9051 §7.5.2 forms (body-type-mpart,
// body-type-basic, body-type-text, body-type-msg, body-ext-*). Type and subtype are upper-cased
// (as Dovecot sends them); parameter values are kept as parsed.
import { Concat, type ImapData } from '../imap/wire/data.js';
import type { Address, Envelope, MimePart } from './types.js';

function addressList(list: readonly Address[] | null): ImapData {
  if (list === null || list.length === 0) return null;
  // RFC 9051 §9: env-from = "(" 1*address ")" / nil — addresses follow each other with no space.
  return [new Concat(list.map((a) => [a.name, a.adl, a.mailbox, a.host]))];
}

/** env-date env-subject env-from env-sender env-reply-to env-to env-cc env-bcc env-in-reply-to env-message-id */
export function envelopeData(env: Envelope): ImapData {
  return [
    env.date,
    env.subject,
    addressList(env.from),
    addressList(env.sender),
    addressList(env.replyTo),
    addressList(env.to),
    addressList(env.cc),
    addressList(env.bcc),
    env.inReplyTo,
    env.messageId,
  ];
}

/** body-fld-param: ("NAME" "value" ...) with upper-cased names, or NIL. */
function paramList(params: ReadonlyArray<readonly [string, string]>): ImapData {
  if (params.length === 0) return null;
  return params.flatMap(([name, value]) => [name.toUpperCase(), value]);
}

/** body-fld-dsp, body-fld-lang, body-fld-loc: the extension data common to both part kinds. */
function commonExtension(part: MimePart): ImapData[] {
  return [
    part.disposition === null ? null : [part.disposition.type.toUpperCase(), paramList(part.disposition.params)],
    part.language === null ? null : [...part.language],
    part.location,
  ];
}

/** RFC 9051 requires at least one body in a multipart; one without parts (no boundary, nothing
 *  found, or nesting too deep) shows an empty text/plain part, as Dovecot does. */
const EMPTY_PART: ImapData = ['TEXT', 'PLAIN', ['CHARSET', 'us-ascii'], null, null, '7BIT', 0, 0];

export function bodyStructureData(part: MimePart, extended: boolean): ImapData {
  if (part.type === 'multipart') {
    const bodies = part.children.length > 0 ? part.children.map((c) => bodyStructureData(c, extended)) : [EMPTY_PART];
    // RFC 9051 §9: body-type-mpart = 1*body SP media-subtype — no space between the bodies.
    const out: ImapData[] = [new Concat(bodies), part.subtype.toUpperCase()];
    if (extended) out.push(paramList(part.params), ...commonExtension(part));
    return out;
  }
  const out: ImapData[] = [
    part.type.toUpperCase(),
    part.subtype.toUpperCase(),
    paramList(part.params),
    part.id,
    part.description,
    part.encoding,
    part.size,
  ];
  if (part.message !== null) {
    // body-type-msg: envelope, body, lines
    out.push(envelopeData(part.message.envelope), bodyStructureData(part.message.root, extended), part.lines);
  } else if (part.type === 'text') {
    out.push(part.lines);
  }
  if (extended) out.push(part.md5, ...commonExtension(part));
  return out;
}
