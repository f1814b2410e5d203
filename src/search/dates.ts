// Calendar days for the date keys (RFC 9051 §6.4.4): BEFORE/ON/SINCE compare INTERNALDATE and
// SENT* the Date: header, "disregarding time and timezone". INTERNALDATE days are taken in UTC
// (the server's timezone for this purpose, so that results do not depend on the host's TZ);
// Date: header days in the header's own offset, so "Date: Mon, 1 Jan 2024 23:30 -0500" is ON 1-Jan-2024.
import type { MessageMeta } from '../store/types.js';
import type { SentDate } from './types.js';

const DAY_MS = 86_400_000;

/** "YYYY-MM-DD" (as the command grammar produces it) -> days since 1970-01-01. */
export function dayNumber(date: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (m === null) throw new Error(`search date not in YYYY-MM-DD form: ${date}`);
  return Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) / DAY_MS;
}

export function internalDay(meta: MessageMeta): number {
  return Math.floor(meta.internalDate / DAY_MS);
}

/** The Date: header's calendar day in its own offset; a missing or unparseable Date: header falls
 *  back to the internal date, as Dovecot and Cyrus do, so that such messages are still found. */
export function sentDay(sent: SentDate, meta: MessageMeta): number {
  if (sent === null) return internalDay(meta);
  return Math.floor((sent.ms + sent.offsetMinutes * 60_000) / DAY_MS);
}
