// APPEND of one message in the SQLite store (MULTIAPPEND is append-batch.ts).
import { sha256Hex } from '../blobs/file-blobs.js';
import { parseFlags, joinKeywords } from '../flags.js';
import { emailIdFor, threadIdFor } from '../ids.js';
import type { MessageSummary } from '../../mime/types.js';
import { StoreError, type AppendInput, type AppendResult } from '../types.js';
import { insertBlobRow } from './blob-rows.js';
import { analyzeForRow } from './body-text.js';
import type { SqliteContext } from './context.js';
import { storesInline } from './inline-blobs.js';
import { checkQuota } from './quotas.js';

/** Thrown inside the append transaction when the blob file vanished (reaped) after it was written. */
class BlobVanished extends Error {}

/** Rule 1: the bytes are written and fsynced first (a big message's file) or go into the transaction
 *  (a small one's row, inline-blobs.ts); one transaction allocates UID and MODSEQ and records the
 *  message; the promise resolves only after that commit is durable. */
export async function appendMessage(ctx: SqliteContext, mailboxId: number, input: AppendInput): Promise<AppendResult> {
  const flags = parseFlags(input.flags);
  const internalDate = input.internalDate ?? Date.now();
  if (!Number.isFinite(internalDate)) throw new StoreError('CANNOT', 'The internal date is not a valid time');
  const target = ctx.requireMailbox(mailboxId); // fail early, before any bytes are written
  if (input.enforceQuota === true) checkQuota(ctx, target.account_id, input.bytes.length, 1);
  const blobId = sha256Hex(input.bytes);
  const inline = storesInline(input.bytes.length, ctx.inlineBlobMaxBytes);
  ctx.pendingBlobs.set(blobId, (ctx.pendingBlobs.get(blobId) ?? 0) + 1);
  let committed = false;
  try {
    let analysis: { summary: MessageSummary; bodyText: string | null } | null = null;
    for (let attempt = 0; ; attempt++) {
      // Known content (a row with references) has durable bytes already: no analysis, no write.
      if (attempt > 0 || !ctx.hasBlobRow(blobId)) {
        analysis ??= analyzeForRow(ctx.analyze, input.bytes);
        if (!inline) await ctx.blobs.write(input.bytes, blobId);
      }
      try {
        // Shares its commit with the other appends ready now (group-commit.ts); resolves after it.
        const result = await ctx.writeGrouped(() => {
          const box = ctx.requireMailbox(mailboxId);
          // Checked again under the write lock: parallel deliveries cannot pass the quota together.
          if (input.enforceQuota === true) checkQuota(ctx, box.account_id, input.bytes.length, 1);
          let summary: MessageSummary;
          if (ctx.stmt('UPDATE blobs SET refcount = refcount + 1 WHERE id = ?').run(blobId).changes === 1) {
            summary = analysis?.summary ?? (JSON.parse(ctx.stmt('SELECT summary FROM blobs WHERE id = ?').pluck().get(blobId) as string) as MessageSummary);
          } else {
            // Checked under the write lock: reap() unlinks only under the same lock.
            if (!analysis || (!inline && !ctx.blobs.exists(blobId))) throw new BlobVanished();
            summary = analysis.summary;
            insertBlobRow(ctx, { id: blobId, size: input.bytes.length, summary, bodyText: analysis.bodyText, bytes: inline ? input.bytes : null });
          }
          const uid = box.uidnext;
          const modseq = box.highestmodseq + 1;
          ctx
            .stmt(
              `INSERT INTO messages (mailbox_id, uid, modseq, sysflags, keywords, internal_date, save_date, size, blob_id, email_id, thread_id)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
            )
            .run(mailboxId, uid, modseq, flags.system, joinKeywords(flags.keywords), Math.trunc(internalDate), Date.now(),
              input.bytes.length, blobId, emailIdFor(blobId), threadIdFor(summary, blobId));
          ctx.stmt('UPDATE mailboxes SET uidnext = ?, highestmodseq = ? WHERE id = ?').run(uid + 1, modseq, mailboxId);
          return { uidValidity: box.uidvalidity, uid, modseq };
        });
        committed = true;
        ctx.notifier.emit(mailboxId, result.modseq);
        return result;
      } catch (err) {
        if (!(err instanceof BlobVanished) || attempt >= 3) throw err;
      }
    }
  } finally {
    const left = (ctx.pendingBlobs.get(blobId) ?? 1) - 1;
    if (left > 0) ctx.pendingBlobs.set(blobId, left);
    else ctx.pendingBlobs.delete(blobId);
    // A failed append (say, the mailbox was deleted meanwhile) leaves no file nobody refers to.
    if (!committed && !inline) {
      try {
        ctx.reap([blobId]);
      } catch {
        // collectOrphans() will find it; the caller's error is the one that matters.
      }
    }
  }
}
