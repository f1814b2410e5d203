// MULTIAPPEND (RFC 3502) in the SQLite store: several messages, all or nothing. Every blob file (big
// messages; small ones go into the transaction, inline-blobs.ts) is written and fsynced first; then
// one transaction checks the quota for the whole batch, allocates
// consecutive UIDs under one new MODSEQ and records the messages (rule 1: nothing is acknowledged
// before that commit; a failure leaves no message and no blob file behind).
import { sha256Hex } from '../blobs/file-blobs.js';
import { joinKeywords, parseFlags } from '../flags.js';
import { emailIdFor, threadIdFor } from '../ids.js';
import type { MessageSummary } from '../../mime/types.js';
import { StoreError, type AppendInput, type AppendResult } from '../types.js';
import { insertBlobRow } from './blob-rows.js';
import { analyzeForRow } from './body-text.js';
import type { SqliteContext } from './context.js';
import { storesInline } from './inline-blobs.js';
import { checkQuota } from './quotas.js';

/** A blob file went (reaped by an expunge) between its write and our transaction: write again. */
class BlobVanished extends Error {}

type Analysis = { readonly summary: MessageSummary; readonly bodyText: string | null };

interface Prepared {
  readonly input: AppendInput;
  readonly blobId: string;
  readonly flags: ReturnType<typeof parseFlags>;
  readonly internalDate: number;
  /** Bytes stored in the blobs row, not in a file. */
  readonly inline: boolean;
  analysis: Analysis | null;
}

export async function appendMessages(ctx: SqliteContext, mailboxId: number, inputs: readonly AppendInput[]): Promise<AppendResult[]> {
  if (inputs.length === 0) return [];
  const batch: Prepared[] = inputs.map((input) => {
    const internalDate = input.internalDate ?? Date.now();
    if (!Number.isFinite(internalDate)) throw new StoreError('CANNOT', 'The internal date is not a valid time');
    return { input, blobId: sha256Hex(input.bytes), flags: parseFlags(input.flags), internalDate, inline: storesInline(input.bytes.length, ctx.inlineBlobMaxBytes), analysis: null };
  });
  // RFC 9208 §4.3.1 for the whole batch: one message over the limit refuses them all.
  const enforce = inputs.some((i) => i.enforceQuota === true);
  const bytes = inputs.reduce((n, i) => n + i.bytes.length, 0);
  const target = ctx.requireMailbox(mailboxId); // fail early, before any bytes are written
  if (enforce) checkQuota(ctx, target.account_id, bytes, inputs.length);
  for (const p of batch) ctx.pendingBlobs.set(p.blobId, (ctx.pendingBlobs.get(p.blobId) ?? 0) + 1);
  let committed = false;
  try {
    for (let attempt = 0; ; attempt++) {
      for (const p of batch) {
        // Known content has durable bytes already: no analysis, no write (unless its file vanished).
        if (attempt > 0 || !ctx.hasBlobRow(p.blobId)) {
          p.analysis ??= analyzeForRow(ctx.analyze, p.input.bytes);
          if (!p.inline) await ctx.blobs.write(p.input.bytes, p.blobId);
        }
      }
      try {
        const results = ctx.write(() => insertAll(ctx, mailboxId, batch, enforce, bytes));
        committed = true;
        const last = results[results.length - 1];
        if (last) ctx.notifier.emit(mailboxId, last.modseq);
        return results;
      } catch (err) {
        if (!(err instanceof BlobVanished) || attempt >= 3) throw err;
      }
    }
  } finally {
    for (const p of batch) {
      const left = (ctx.pendingBlobs.get(p.blobId) ?? 1) - 1;
      if (left > 0) ctx.pendingBlobs.set(p.blobId, left);
      else ctx.pendingBlobs.delete(p.blobId);
    }
    if (!committed) {
      try {
        ctx.reap([...new Set(batch.filter((p) => !p.inline).map((p) => p.blobId))]);
      } catch {
        // collectOrphans() will find them; the caller's error is the one that matters.
      }
    }
  }
}

/** Inside the write transaction: quota again under the lock, blob references, messages, mailbox. */
function insertAll(ctx: SqliteContext, mailboxId: number, batch: readonly Prepared[], enforce: boolean, bytes: number): AppendResult[] {
  const box = ctx.requireMailbox(mailboxId);
  if (enforce) checkQuota(ctx, box.account_id, bytes, batch.length);
  const modseq = box.highestmodseq + 1; // one MODSEQ for the one operation
  const insert = ctx.stmt(
    `INSERT INTO messages (mailbox_id, uid, modseq, sysflags, keywords, internal_date, save_date, size, blob_id, email_id, thread_id)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const now = Date.now();
  const results: AppendResult[] = [];
  let uid = box.uidnext;
  for (const p of batch) {
    let summary: MessageSummary;
    if (ctx.stmt('UPDATE blobs SET refcount = refcount + 1 WHERE id = ?').run(p.blobId).changes === 1) {
      summary = p.analysis?.summary ?? (JSON.parse(ctx.stmt('SELECT summary FROM blobs WHERE id = ?').pluck().get(p.blobId) as string) as MessageSummary);
    } else {
      // Checked under the write lock: reap() unlinks only under the same lock.
      if (!p.analysis || (!p.inline && !ctx.blobs.exists(p.blobId))) throw new BlobVanished();
      summary = p.analysis.summary;
      insertBlobRow(ctx, { id: p.blobId, size: p.input.bytes.length, summary, bodyText: p.analysis.bodyText, bytes: p.inline ? p.input.bytes : null });
    }
    insert.run(mailboxId, uid, modseq, p.flags.system, joinKeywords(p.flags.keywords), Math.trunc(p.internalDate), now, p.input.bytes.length, p.blobId,
      emailIdFor(p.blobId), threadIdFor(summary, p.blobId));
    results.push({ uidValidity: box.uidvalidity, uid, modseq });
    uid++;
  }
  ctx.stmt('UPDATE mailboxes SET uidnext = ?, highestmodseq = ? WHERE id = ?').run(uid, modseq, mailboxId);
  return results;
}
