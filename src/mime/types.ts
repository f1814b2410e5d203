// The parsed shape of a message (RFC 5322 + MIME, RFC 2045/2046). Computed once, at delivery, from
// the raw bytes, and stored with the message as JSON: FETCH ENVELOPE/BODYSTRUCTURE and section
// offsets come from here without re-reading the message file. Every offset is a byte offset into
// the raw message as stored (nested message/rfc822 parts included), so sections are exact slices.

/** An address as IMAP's ENVELOPE sends it (RFC 9051 §7.5.2 envelope). Group syntax (RFC 5322 §3.4):
 *  a start marker has host null and mailbox = group name; the end marker has both null. */
export interface Address {
  readonly name: string | null;
  readonly adl: string | null;
  readonly mailbox: string | null;
  readonly host: string | null;
}

/** ENVELOPE fields, as in the message's header (raw value, unfolded; encoded words kept as they are,
 *  since RFC 9051 §7.5.2 sends them undecoded). null where the field is absent. */
export interface Envelope {
  readonly date: string | null;
  readonly subject: string | null;
  readonly from: readonly Address[] | null;
  readonly sender: readonly Address[] | null;
  readonly replyTo: readonly Address[] | null;
  readonly to: readonly Address[] | null;
  readonly cc: readonly Address[] | null;
  readonly bcc: readonly Address[] | null;
  readonly inReplyTo: string | null;
  readonly messageId: string | null;
}

/** One MIME part. For the message itself (and each nested message/rfc822), `headerStart` is where its
 *  header begins. For a part of a multipart, `headerStart` is where the part's MIME header begins. */
export interface MimePart {
  readonly headerStart: number;
  /** First byte of the body (just after the blank line that ends the header, or = end if none). */
  readonly bodyStart: number;
  /** One past the last byte of the body. */
  readonly bodyEnd: number;
  /** Lower-cased; defaults per RFC 2045 §5.2 (text/plain; charset=us-ascii) where absent or invalid. */
  readonly type: string;
  readonly subtype: string;
  /** Parameters in order, names lower-cased, values with RFC 2231 continuations/encodings joined and decoded. */
  readonly params: ReadonlyArray<readonly [string, string]>;
  readonly id: string | null;
  readonly description: string | null;
  /** Content-Transfer-Encoding, upper-cased as IMAP shows it; "7BIT" when absent. */
  readonly encoding: string;
  readonly md5: string | null;
  readonly disposition: { readonly type: string; readonly params: ReadonlyArray<readonly [string, string]> } | null;
  readonly language: readonly string[] | null;
  readonly location: string | null;
  /** Body size in octets (bodyEnd - bodyStart). */
  readonly size: number;
  /** Body lines, for text/* and message/rfc822|global parts (RFC 9051 body-type-text, body-type-msg). */
  readonly lines: number;
  /** Sub-parts of a multipart/* part; empty otherwise. */
  readonly children: readonly MimePart[];
  /** For message/rfc822 and message/global: the enclosed message's envelope and root part. */
  readonly message: { readonly envelope: Envelope; readonly root: MimePart } | null;
}

/** What delivery stores for a message: enough for ENVELOPE, BODYSTRUCTURE, sections and SEARCH. */
export interface MessageSummary {
  readonly envelope: Envelope;
  readonly root: MimePart;
  /** Top-level header fields, names lower-cased, values unfolded and RFC 2047-decoded to UTF-8,
   *  in order. Used by SEARCH HEADER/FROM/SUBJECT... and SORT. */
  readonly headers: ReadonlyArray<readonly [string, string]>;
  /** The Date: header as ms since the epoch, with the offset it was written in (minutes east of UTC);
   *  null when missing or unparseable. Used by SENTBEFORE/SENTON/SENTSINCE. */
  readonly sentDate: { readonly ms: number; readonly offsetMinutes: number } | null;
}
