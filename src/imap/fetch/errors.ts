// RFC 9051 §7.5.2 / RFC 3516 §4.3: a BINARY fetch of a section whose Content-Transfer-Encoding the
// server cannot decode fails with NO [UNKNOWN-CTE].
import { ImapError } from '../commands/types.js';

export class UnknownCteError extends ImapError {
  /** part: the section's part number as text ("1.2"; "" for the message itself). */
  constructor(readonly part: string) {
    super('NO', 'UNKNOWN-CTE', `Cannot decode the content-transfer-encoding of part ${part === '' ? 'TEXT' : part}`);
    this.name = 'UnknownCteError';
  }
}
