// Which protocol the session speaks: IMAP4rev1 until the client sends ENABLE IMAP4rev2 (RFC 9051
// §2.3, Appendix E). Under IMAP4rev2: no \Recent/RECENT, ESEARCH answers SEARCH, mailbox names are
// UTF-8 instead of modified UTF-7, SELECT reports [CLOSED] and a LIST line.
import { decodeMailboxUtf7, encodeMailboxUtf7 } from './wire/mutf7.js';
import { ImapError } from './commands/types.js';

export class SessionMode {
  readonly enabled = new Set<string>();

  get rev2(): boolean {
    return this.enabled.has('IMAP4REV2');
  }

  /** A CONDSTORE enabling command was seen (RFC 7162 §3.1); QRESYNC implies it (§3.2.3). */
  get condstore(): boolean {
    return this.enabled.has('CONDSTORE') || this.enabled.has('QRESYNC');
  }

  /** ENABLE QRESYNC was answered: VANISHED replaces EXPUNGE (RFC 7162 §3.2.10). */
  get qresync(): boolean {
    return this.enabled.has('QRESYNC');
  }

  /** UTF-8 names and quoted strings on the wire (RFC 9051 §5.1; RFC 6855 §3 UTF8=ACCEPT). */
  get utf8Names(): boolean {
    return this.rev2 || this.enabled.has('UTF8=ACCEPT');
  }

  /** True when the extension was off before. */
  enable(capability: string): boolean {
    const cap = capability.toUpperCase();
    if (this.enabled.has(cap)) return false;
    this.enabled.add(cap);
    return true;
  }

  /** The client's name -> the name in Unicode NFC (RFC 9051 §5.1: a denormalized UTF-8 name is
   *  accepted and normalized, in every command, so that SELECT finds what CREATE made). */
  decodeMailboxName(raw: string): string {
    if (this.utf8Names) return raw.normalize('NFC');
    try {
      return decodeMailboxUtf7(raw).normalize('NFC'); // RFC 3501 §5.1.3
    } catch (err) {
      throw new ImapError('BAD', null, `Mailbox name is not valid modified UTF-7: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  encodeMailboxName(name: string): string {
    return this.utf8Names ? name : encodeMailboxUtf7(name);
  }
}
