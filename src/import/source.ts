// What an import source (a Maildir, mbox files) yields, one item at a time: the importer never
// sees more than the message in hand.

export type SourceItem =
  /** A folder of the source: created in the store even when it holds no message. */
  | { readonly kind: 'folder'; readonly mailbox: string }
  | {
      readonly kind: 'message';
      readonly mailbox: string;
      /** Where the message came from, for messages about it (a file, "file message #n"). */
      readonly label: string;
      readonly bytes: Buffer;
      readonly flags: readonly string[];
      /** ms since the epoch */
      readonly internalDate: number;
    }
  /** A message that could not be read (too big, unreadable, malformed): reported and skipped. */
  | { readonly kind: 'failed'; readonly mailbox: string; readonly label: string; readonly reason: string }
  /** Something worth saying that is no failure (a file that is not an mbox, in a directory of them). */
  | { readonly kind: 'note'; readonly text: string };

export interface ImportSource {
  readonly items: AsyncIterable<SourceItem>;
  /** For the ETA: the number of messages when known up front, or input bytes done of a total. */
  total(): { readonly messages: number } | { readonly bytes: number; readonly done: number } | null;
}
