// MULTIAPPEND (RFC 3502) in the PostgreSQL store: several messages, all or nothing, in one
// transaction (bytes live in the database, so its commit is the one durable point, rule 1). The
// quota is checked for the whole batch; UIDs are consecutive under one new MODSEQ.
import { createHash } from 'node:crypto';
import { joinKeywords, parseFlags } from '../flags.js';
import { emailIdFor, threadIdFor } from '../ids.js';
import { StoreError, type AppendInput, type AppendResult } from '../types.js';
import type { PgContext } from './context.js';
import { referenceBlob } from './messages.js';
import { checkQuota } from './quotas.js';

export async function appendMessages(ctx: PgContext, mailboxId: number, inputs: readonly AppendInput[]): Promise<AppendResult[]> {
  if (inputs.length === 0) return [];
  const batch = await Promise.all(
    inputs.map(async (input) => {
      const internalDate = input.internalDate ?? Date.now();
      if (!Number.isFinite(internalDate)) throw new StoreError('CANNOT', 'The internal date is not a valid time');
      const blobId = createHash('sha256').update(input.bytes).digest('hex');
      const known = (await ctx.query('SELECT 1 FROM blobs WHERE id = $1', [blobId])).rows.length > 0;
      return { input, blobId, flags: parseFlags(input.flags), internalDate, analysis: known ? null : ctx.analyze(input.bytes) };
    }),
  );
  const enforce = inputs.some((i) => i.enforceQuota === true);
  const bytes = inputs.reduce((n, i) => n + i.bytes.length, 0);
  return ctx.tx(async (tx) => {
    const box = (
      await tx.query<{ account_id: number; uid: number; modseq: number; uidvalidity: number }>(
        `UPDATE mailboxes SET uidnext = uidnext + $2::int, highestmodseq = highestmodseq + 1 WHERE id = $1
         RETURNING account_id, uidnext - $2::int AS uid, highestmodseq AS modseq, uidvalidity`,
        [mailboxId, batch.length],
      )
    ).rows[0];
    if (!box) throw new StoreError('NONEXISTENT', 'The mailbox does not exist (any more)');
    // Quota row before blob rows, as in appendMessage (lock order).
    await checkQuota(tx, box.account_id, bytes, batch.length, enforce);
    const results: AppendResult[] = [];
    const now = Date.now();
    for (const [i, p] of batch.entries()) {
      const uid = Number(box.uid) + i;
      const summary = await referenceBlob(ctx, tx, p.blobId, p.input.bytes, p.analysis);
      await tx.query(
        `INSERT INTO messages (mailbox_id, uid, modseq, sysflags, keywords, internal_date, save_date, size, blob_id, email_id, thread_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
        [mailboxId, uid, box.modseq, p.flags.system, joinKeywords(p.flags.keywords), Math.trunc(p.internalDate), now, p.input.bytes.length, p.blobId,
          emailIdFor(p.blobId), threadIdFor(summary, p.blobId)],
      );
      results.push({ uidValidity: box.uidvalidity, uid, modseq: box.modseq });
    }
    await tx.changed(mailboxId, box.modseq);
    return results;
  });
}
