// Dovecot's dovecot-uidlist: the UID of each Maildir file. Import takes files in UID order from it
// (the order the user's clients saw), and export writes one so that Dovecot, and a later import,
// keep our UID order. Format v3: a header "3 V<uidvalidity> N<uidnext> ...", then per line
// "<uid> [<ext fields>] :<file name base>"; v1 lines are "<uid> <file name base>".

/** File name base (without the ":2," info) -> UID. Unreadable lines are skipped. */
export function parseUidlist(text: string): Map<string, number> {
  const map = new Map<string, number>();
  const lines = text.split('\n');
  const version = /^(\d+)\s/.exec(lines[0] ?? '')?.[1];
  for (const line of lines.slice(1)) {
    const m = version === '1' ? /^(\d+) (\S+)/.exec(line) : /^(\d+)(?: [^:]*)? :(.+)$/.exec(line.replace(/\r$/, ''));
    if (m) map.set(baseName(m[2] as string), Number(m[1]));
  }
  return map;
}

/** The part of a Maildir file name before the info (":2,..."). */
export function baseName(fileName: string): string {
  const m = /[:;!]2,[^:;!]*$/.exec(fileName);
  return m ? fileName.slice(0, m.index) : fileName;
}

export function formatUidlist(uidValidity: number, uidNext: number, entries: ReadonlyArray<readonly [number, string]>): string {
  return `3 V${uidValidity} N${uidNext}\n` + entries.map(([uid, base]) => `${uid} :${base}\n`).join('');
}
