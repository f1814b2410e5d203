// Flags from a source are whatever another program wrote; the store refuses a keyword that is not
// an IMAP atom. Rather than lose the message, such a keyword is dropped (and reported once).
import { parseFlags } from '../store/flags.js';

export function cleanFlags(flags: readonly string[], dropped: (flag: string) => void): string[] {
  const kept: string[] = [];
  for (const flag of flags) {
    try {
      parseFlags([flag]);
      kept.push(flag);
    } catch {
      dropped(flag);
    }
  }
  return kept;
}
