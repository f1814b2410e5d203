// The mbox "From_" separator line: "From <sender> <asctime date>[ <zone>]", e.g.
// "From alice@example.com Thu Jan  4 10:20:00 2024". Writers (mutt, Thunderbird, Postfix local)
// put local time there without a zone, so a date without a zone is read as local time, and export
// writes local time too: a round trip on one machine keeps the internal date.

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'] as const;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'] as const;

// weekday month day hh:mm[:ss] [zone] year [zone]; the zone is a numeric offset or a name (ignored).
const DATE =
  /\s(Sun|Mon|Tue|Wed|Thu|Fri|Sat)\s+(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)\s+(\d{1,2})\s+(\d{1,2}):(\d{2})(?::(\d{2}))?(?:\s+([+-]\d{4}|[A-Z]{1,5}))?\s+(\d{4})(?:\s+([+-]\d{4}|[A-Z]{1,5}))?\s*$/;

export interface FromLine {
  readonly sender: string;
  /** ms since the epoch */
  readonly date: number;
}

/** Parses a From_ line (without or with its line ending); null when it is not one. */
export function parseFromLine(line: string): FromLine | null {
  if (!line.startsWith('From ')) return null;
  const text = line.replace(/\r?\n$/, '');
  const m = DATE.exec(text);
  if (!m) return null;
  const sender = text.slice(5, m.index).trim();
  const month = MONTHS.indexOf(m[2] as (typeof MONTHS)[number]);
  const [day, hour, minute, second, year] = [m[3], m[4], m[5], m[6] ?? '0', m[8]].map(Number) as [number, number, number, number, number];
  if (day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) return null;
  const zone = [m[7], m[9]].find((z) => z !== undefined && /^[+-]\d{4}$/.test(z));
  let date: number;
  if (zone === undefined) {
    date = new Date(year, month, day, hour, minute, second).getTime();
  } else {
    const sign = zone.startsWith('-') ? -1 : 1;
    const offsetMin = sign * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(3, 5)));
    date = Date.UTC(year, month, day, hour, minute, second) - offsetMin * 60_000;
  }
  return Number.isNaN(date) ? null : { sender, date };
}

/** "From <sender> Thu Jan  4 10:20:00 2024\n" in local time (asctime layout, day padded with a space). */
export function formatFromLine(sender: string, date: number): string {
  const d = new Date(date);
  const pad = (n: number): string => String(n).padStart(2, '0');
  const day = String(d.getDate()).padStart(2, ' ');
  const time = `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
  return `From ${sender} ${DAYS[d.getDay()]} ${MONTHS[d.getMonth()]} ${day} ${time} ${d.getFullYear()}\n`;
}
