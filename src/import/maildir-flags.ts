// Maildir flags in a file name's info part ("<unique>:2,<letters>", cr.yp.to/proto/maildir.html)
// and Dovecot's keyword letters: lowercase a-z in the info part are keywords 0-25 of the folder's
// dovecot-keywords file ("<index> <name>" per line). Shared by import and export.

/** Maildir letter -> IMAP flag. P (passed, i.e. forwarded) has no system flag: $Forwarded (RFC 5788). */
export const LETTER_TO_FLAG: ReadonlyMap<string, string> = new Map([
  ['D', '\\Draft'],
  ['F', '\\Flagged'],
  ['P', '$Forwarded'],
  ['R', '\\Answered'],
  ['S', '\\Seen'],
  ['T', '\\Deleted'],
]);

const FLAG_TO_LETTER: ReadonlyMap<string, string> = new Map([...LETTER_TO_FLAG].map(([letter, flag]) => [flag.toLowerCase(), letter]));

/** Dovecot's limit: one lowercase letter per keyword. */
export const MAX_KEYWORD_LETTERS = 26;

/** The info part of a file name: after ":2," (";" and "!" are used where ":" cannot be). */
export function infoOf(fileName: string): string | null {
  const m = /[:;!]2,([^:;!]*)$/.exec(fileName);
  return m ? (m[1] ?? '') : null;
}

/** The flags a file name's info part stands for. Unknown letters and unlisted keywords are ignored. */
export function flagsFromFileName(fileName: string, keywords: ReadonlyMap<number, string>): string[] {
  const info = infoOf(fileName);
  if (info === null) return [];
  const flags: string[] = [];
  for (const letter of info) {
    const flag = LETTER_TO_FLAG.get(letter);
    if (flag !== undefined) flags.push(flag);
    else if (letter >= 'a' && letter <= 'z') {
      const keyword = keywords.get(letter.charCodeAt(0) - 0x61);
      if (keyword !== undefined) flags.push(keyword);
    }
  }
  return flags;
}

/** Parses a dovecot-keywords file: index -> keyword. */
export function parseDovecotKeywords(text: string): Map<number, string> {
  const map = new Map<number, string>();
  for (const line of text.split(/\r?\n/)) {
    const m = /^(\d+)\s+(\S+)\s*$/.exec(line);
    if (!m) continue;
    const index = Number(m[1]);
    if (index < MAX_KEYWORD_LETTERS) map.set(index, m[2] as string);
  }
  return map;
}

/** The info letters for a message's flags, sorted (as the Maildir spec asks); keywords are looked up
 *  (case-insensitively) in `keywordIndex`; those without an index are returned as `unmapped`. */
export function lettersForFlags(flags: readonly string[], keywordIndex: ReadonlyMap<string, number>): { letters: string; unmapped: string[] } {
  const letters = new Set<string>();
  const unmapped: string[] = [];
  for (const flag of flags) {
    const letter = FLAG_TO_LETTER.get(flag.toLowerCase());
    if (letter !== undefined) {
      letters.add(letter);
      continue;
    }
    if (flag.startsWith('\\')) continue; // \Recent and the like are not kept in Maildir
    const index = keywordIndex.get(flag.toLowerCase());
    if (index === undefined) unmapped.push(flag);
    else letters.add(String.fromCharCode(0x61 + index));
  }
  return { letters: [...letters].sort().join(''), unmapped };
}
