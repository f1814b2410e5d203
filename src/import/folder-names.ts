// Folder names on disk -> store names (UTF-8, "/" delimiter). Dovecot writes folder names in
// modified UTF-7 (RFC 3501 §5.1.3) unless told to use UTF-8, so a name that decodes as modified
// UTF-7 is decoded; one that does not (raw UTF-8 from another tool) is kept as it is.
import { decodeMailboxUtf7 } from '../imap/wire/mutf7.js';
import { canonicalName } from '../store/names.js';

export function decodeFolderPart(part: string): string {
  if (!part.includes('&')) return part;
  try {
    return decodeMailboxUtf7(part);
  } catch {
    return part;
  }
}

/** Store name for hierarchy levels as found on disk ("INBOX" in any case becomes INBOX). */
export function storeName(parts: readonly string[]): string {
  return canonicalName(parts.map(decodeFolderPart).join('/'));
}
