// The shape both export formats share: the exporter walks mailboxes and messages, a writer puts them
// on disk.
import type { Mailbox, MessageMeta } from '../store/types.js';

export interface ExportWriter {
  /** Starts a mailbox (created on disk even when it has no message). */
  beginMailbox(mailbox: Mailbox): Promise<void>;
  /** Writes one message of the current mailbox. Notes are things worth telling (a keyword dropped). */
  writeMessage(meta: MessageMeta, bytes: Buffer, note: (text: string) => void): Promise<void>;
  /** Finishes the current mailbox (flushes, writes index files). */
  endMailbox(): Promise<void>;
}
