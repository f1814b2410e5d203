// Store names -> Maildir++ folder directories, as Dovecot writes them: ".Folder.Sub" for
// "Folder/Sub", each level in modified UTF-7. A "." inside a level would read back as a hierarchy
// separator, so it is written as the modified UTF-7 run "&AC4-", which decodes to "." again.
import { encodeMailboxUtf7 } from '../imap/wire/mutf7.js';
import { DELIMITER } from '../store/names.js';

export function maildirPlusPlusDir(name: string): string | null {
  if (name === 'INBOX') return null; // the root itself
  return '.' + name.split(DELIMITER).map((level) => encodeMailboxUtf7(level).replace(/\./g, '&AC4-')).join('.');
}
