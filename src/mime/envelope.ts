// The ENVELOPE of a message (RFC 9051 §7.5.2) from its header fields. Subject, date, message-id
// and in-reply-to are sent raw (unfolded, encoded words kept); the first occurrence of a field wins.
import { parseAddressList } from './address.js';
import { fieldText, firstField, type RawField } from './header.js';
import type { Address, Envelope } from './types.js';

function text(fields: readonly RawField[], name: string): string | null {
  const field = firstField(fields, name);
  return field === undefined ? null : fieldText(field);
}

function addresses(fields: readonly RawField[], name: string): Address[] | null {
  const value = text(fields, name);
  if (value === null) return null;
  const list = parseAddressList(value);
  // env-from etc. are "(" 1*address ")" / nil: an empty list is NIL.
  return list.length > 0 ? list : null;
}

export function buildEnvelope(fields: readonly RawField[]): Envelope {
  const from = addresses(fields, 'from');
  return {
    date: text(fields, 'date'),
    subject: text(fields, 'subject'),
    from,
    // RFC 9051 §7.5.2: Sender and Reply-To absent or empty -> the From value.
    sender: addresses(fields, 'sender') ?? from,
    replyTo: addresses(fields, 'reply-to') ?? from,
    to: addresses(fields, 'to'),
    cc: addresses(fields, 'cc'),
    bcc: addresses(fields, 'bcc'),
    inReplyTo: text(fields, 'in-reply-to'),
    messageId: text(fields, 'message-id'),
  };
}

/** The envelope of something that has no header at all. */
export const EMPTY_ENVELOPE: Envelope = {
  date: null,
  subject: null,
  from: null,
  sender: null,
  replyTo: null,
  to: null,
  cc: null,
  bcc: null,
  inReplyTo: null,
  messageId: null,
};
