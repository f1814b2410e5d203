// The Date: field (RFC 5322 §3.3 date-time) to ms since the epoch plus the zone it was written in,
// tolerant of the usual malformations: no day name, 2- or 3-digit years (§4.3), no seconds, named
// zones (§4.3 obs-zone), zone in a trailing comment or missing, full month names, dashes or
// dots between fields.
import { stripComments } from './params.js';

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

/** RFC 5322 §4.3 obs-zone; military zones are treated as -0000 ("unknown") as the RFC advises. */
const ZONES: Record<string, number> = {
  ut: 0,
  utc: 0,
  gmt: 0,
  z: 0,
  edt: -4 * 60,
  est: -5 * 60,
  cdt: -5 * 60,
  cst: -6 * 60,
  mdt: -6 * 60,
  mst: -7 * 60,
  pdt: -7 * 60,
  pst: -8 * 60,
  cet: 60,
  cest: 120,
  bst: 60,
  jst: 9 * 60,
};

const PATTERN =
  /^(?:[a-z]+\s*,?\s*)?(\d{1,2})[\s\-.]*([a-z]+)[\s\-.,]*(\d{2,4})\s+(\d{1,2}):(\d{1,2})(?::(\d{1,2}))?(?:\.\d+)?\s*([+-]\s*\d{2}:?\d{2}|[a-z]+)?/i;

export function parseDate(value: string): { ms: number; offsetMinutes: number } | null {
  const text = stripComments(value).trim();
  const m = PATTERN.exec(text);
  if (!m) return null;
  const day = Number(m[1]);
  const month = MONTHS.indexOf((m[2] as string).slice(0, 3).toLowerCase());
  let year = Number(m[3]);
  if ((m[3] as string).length === 2) year += year < 50 ? 2000 : 1900;
  else if ((m[3] as string).length === 3) year += 1900;
  const hour = Number(m[4]);
  const minute = Number(m[5]);
  const second = m[6] === undefined ? 0 : Number(m[6]);
  if (month < 0 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) return null;
  let offsetMinutes = 0;
  const zone = m[7]?.replace(/[\s:]/g, '');
  if (zone !== undefined) {
    if (/^[+-]\d{4}$/.test(zone)) {
      const sign = zone[0] === '-' ? -1 : 1;
      const hh = Number(zone.slice(1, 3));
      const mm = Number(zone.slice(3, 5));
      if (mm < 60 && hh < 24) offsetMinutes = sign * (hh * 60 + mm);
    } else {
      offsetMinutes = ZONES[zone.toLowerCase()] ?? 0;
    }
  }
  const utc = Date.UTC(year, month, day, hour, minute, Math.min(second, 59)) - offsetMinutes * 60_000;
  if (!Number.isFinite(utc)) return null;
  return { ms: utc, offsetMinutes };
}
