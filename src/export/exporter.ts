// Runs an export: every mailbox of the account, every message in UID order, read from the store one
// at a time and handed to a writer (Maildir or mbox).
import type { Progress } from '../import/progress.js';
import type { Store } from '../store/types.js';
import type { ExportWriter } from './writer.js';

export interface ExportSummary {
  readonly exported: number;
  readonly failed: number;
  readonly bytes: number;
  readonly mailboxes: number;
  readonly elapsedMs: number;
}

export async function runExport(store: Store, accountId: number, writer: ExportWriter, progress: Progress): Promise<ExportSummary> {
  const mailboxes = await store.listMailboxes(accountId);
  let total = 0;
  for (const mailbox of mailboxes) total += (await store.mailboxStatus(mailbox.id)).messages;
  let exported = 0;
  let failed = 0;
  let bytes = 0;
  let written = 0;
  const note = (text: string): void => progress.note(text);
  for (const mailbox of mailboxes) {
    try {
      await writer.beginMailbox(mailbox);
    } catch (err) {
      const count = (await store.mailboxStatus(mailbox.id)).messages;
      failed += count;
      note(`skipped mailbox "${mailbox.name}" (${count} messages): ${err instanceof Error ? err.message : String(err)}`);
      continue;
    }
    written++;
    for (const meta of await store.listMessages(mailbox.id)) {
      let body: Buffer;
      try {
        body = await store.readMessage(meta.blobId);
      } catch (err) {
        // Expunged by a client while we were exporting: nothing to write.
        failed++;
        note(`skipped "${mailbox.name}" UID ${meta.uid}: ${err instanceof Error ? err.message : String(err)}`);
        continue;
      }
      await writer.writeMessage(meta, body, note);
      exported++;
      bytes += body.length;
      progress.update({ messages: exported + failed, bytes, total: { messages: total } });
    }
    await writer.endMailbox();
  }
  progress.clear();
  return { exported, failed, bytes, mailboxes: written, elapsedMs: progress.elapsedMs() };
}

export function formatExportSummary(summary: ExportSummary): string {
  const seconds = summary.elapsedMs / 1000;
  return (
    `Exported ${summary.exported} messages (${(summary.bytes / (1024 * 1024)).toFixed(1)} MB) from ${summary.mailboxes} mailboxes, ` +
    `${summary.failed} failed, in ${seconds.toFixed(1)}s (${Math.round(summary.exported / Math.max(seconds, 0.001))} msg/s)`
  );
}
