// The maildrop of one POP3 session (RFC 1939 §5, §6): INBOX as it was at login, numbered 1..n for
// the whole session; deletion marks that take effect only in the UPDATE state; what other sessions
// expunged meanwhile. Pure apart from open(), so it is table-tested without sockets.
import type { Store } from '../store/types.js';
import { sentSizes } from './sizes.js';

export interface DropMessage {
  readonly uid: number;
  readonly blobId: string;
  /** Octets as sent: CRLF line ends, no byte-stuffing (RFC 1939 §11). */
  readonly size: number;
}

export type Lookup =
  | { readonly ok: true; readonly message: DropMessage }
  | { readonly ok: false; readonly text: string };

export class Maildrop {
  private readonly marked = new Set<number>();
  /** UIDs that another session expunged after the snapshot. */
  private readonly gone = new Set<number>();

  constructor(
    readonly mailboxId: number,
    readonly uidValidity: number,
    private readonly messages: readonly DropMessage[],
    /** The mailbox's MODSEQ at the snapshot; advanced as expunges are learned. */
    public modseq: number,
  ) {}

  /** Snapshot of the account's INBOX. */
  static async open(store: Store, accountId: number): Promise<Maildrop> {
    const inbox = await store.getMailbox(accountId, 'INBOX');
    if (!inbox) throw new Error('the account has no INBOX');
    // MODSEQ first, then the list: anything that changes in between shows up as a later change.
    const box = (await store.getMailboxById(inbox.id)) ?? inbox;
    const metas = await store.listMessages(inbox.id);
    const sizes = await sentSizes(store, metas);
    const messages = metas.map((m, i) => ({ uid: m.uid, blobId: m.blobId, size: sizes[i] ?? m.size }));
    return new Maildrop(inbox.id, box.uidValidity, messages, box.highestModseq);
  }

  /** Messages not marked as deleted, and their octets (STAT, RFC 1939 §5). */
  stat(): { count: number; size: number } {
    let count = 0;
    let size = 0;
    this.messages.forEach((m, i) => {
      if (this.marked.has(i + 1)) return;
      count++;
      size += m.size;
    });
    return { count, size };
  }

  /** Every message not marked as deleted with its number, ascending (LIST, UIDL). */
  listing(): Array<{ readonly n: number; readonly message: DropMessage }> {
    const out: Array<{ n: number; message: DropMessage }> = [];
    this.messages.forEach((message, i) => {
      if (!this.marked.has(i + 1)) out.push({ n: i + 1, message });
    });
    return out;
  }

  /** Parses a message-number argument and finds the message (RFC 1939 §5: marked ones are not there). */
  lookup(arg: string | undefined): Lookup {
    if (arg === undefined) return { ok: false, text: 'Message number required' };
    if (!/^[0-9]{1,10}$/.test(arg)) return { ok: false, text: `Invalid message number ${JSON.stringify(arg.slice(0, 40))}` };
    const n = Number(arg);
    const message = this.messages[n - 1];
    if (n < 1 || !message) return { ok: false, text: `No such message, only ${this.messages.length} messages in maildrop` };
    if (this.marked.has(n)) return { ok: false, text: `Message ${n} already deleted` };
    return { ok: true, message };
  }

  mark(n: number): void {
    this.marked.add(n);
  }

  /** RSET (RFC 1939 §5): unmarks everything. */
  reset(): void {
    this.marked.clear();
  }

  /** UIDs to expunge in the UPDATE state, ascending. */
  markedUids(): number[] {
    return [...this.marked].map((n) => (this.messages[n - 1] as DropMessage).uid).sort((a, b) => a - b);
  }

  /** RFC 1939 §7 UIDL: 1-70 printable characters, the same in every session. From UIDVALIDITY and UID,
   *  so the id is the message's IMAP identity too, and a re-created INBOX gives new ids. */
  uidl(message: DropMessage): string {
    return `${this.uidValidity}.${message.uid}`;
  }

  /** Records UIDs expunged by another session. */
  learnExpunged(uids: readonly number[], modseq: number): void {
    for (const uid of uids) this.gone.add(uid);
    if (modseq > this.modseq) this.modseq = modseq;
  }

  isGone(message: DropMessage): boolean {
    return this.gone.has(message.uid);
  }
}
