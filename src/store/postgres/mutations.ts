// Flag changes, copy, move and expunge of the PostgreSQL store. Each runs in one transaction that
// locks the mailbox rows it changes first (in id order), takes one new MODSEQ per mailbox, and
// announces the change (NOTIFY at the commit; local listeners right after it).
import { applyFlags, joinKeywords, parseFlags, sameFlags, splitKeywords } from '../flags.js';
import type { CopyOptions, CopyResult, MessageMeta, StoreFlagsResult } from '../types.js';
import { checkQuota } from './quotas.js';
import { MESSAGE_COLUMNS, toMeta, type MessageRow, type PgContext, type Tx } from './context.js';

async function rowsByUid(tx: Tx, mailboxId: number, uids: readonly number[]): Promise<MessageRow[]> {
  return (await tx.query<MessageRow>(`SELECT ${MESSAGE_COLUMNS} FROM messages WHERE mailbox_id = $1 AND uid = ANY($2::bigint[]) ORDER BY uid`, [mailboxId, uids])).rows;
}

export async function storeFlags(
  ctx: PgContext,
  mailboxId: number,
  uids: readonly number[],
  operation: 'replace' | 'add' | 'remove',
  flags: readonly string[],
  unchangedSince?: number,
): Promise<StoreFlagsResult> {
  const change = parseFlags(flags);
  // Committed durably like everything here (synchronous_commit = on, PostgreSQL's default): a MODSEQ a
  // client saw is never rolled back, so no unclean-shutdown step is needed (the SQLite store's relaxed
  // flag commits need one: src/store/sqlite/shutdown-marker.ts).
  return ctx.tx(async (tx) => {
    const box = await ctx.lockMailbox(tx, mailboxId);
    const updated: MessageMeta[] = [];
    const modified: number[] = [];
    const modseq = box.highestmodseq + 1; // shared by every message this one operation changes
    for (const row of await rowsByUid(tx, mailboxId, uids)) {
      // RFC 7162 §3.2: a message changed after unchangedSince is left alone and reported.
      if (unchangedSince !== undefined && row.modseq > unchangedSince) {
        modified.push(row.uid);
        continue;
      }
      const current = { system: row.sysflags, keywords: splitKeywords(row.keywords) };
      const next = applyFlags(current, operation, change);
      if (sameFlags(current, next)) continue;
      updated.push(toMeta({ ...row, sysflags: next.system, keywords: joinKeywords(next.keywords), modseq }));
    }
    if (updated.length === 0) return { updated, modified };
    await tx.query(
      `UPDATE messages m SET sysflags = u.s, keywords = u.k, modseq = $2
         FROM unnest($3::bigint[], $4::int[], $5::text[]) AS u(uid, s, k) WHERE m.mailbox_id = $1 AND m.uid = u.uid`,
      [mailboxId, modseq, updated.map((m) => m.uid), updated.map((m) => parseFlags(m.flags).system), updated.map((m) => joinKeywords(parseFlags(m.flags).keywords))],
    );
    await tx.query('UPDATE mailboxes SET highestmodseq = $1 WHERE id = $2', [modseq, mailboxId]);
    await tx.changed(mailboxId, modseq);
    return { updated, modified };
  });
}

/** Inserts copies of rows of a locked source into a locked mailbox with new ascending UIDs and one new
 *  MODSEQ; the blobs gain a reference each. */
async function insertCopies(
  ctx: PgContext,
  tx: Tx,
  sourceId: number,
  targetId: number,
  rows: readonly MessageRow[],
): Promise<{ mapping: Array<[number, number]>; modseq: number }> {
  const alloc = (
    await tx.query<{ first: number; modseq: number }>(
      `UPDATE mailboxes SET uidnext = uidnext + $2, highestmodseq = highestmodseq + 1 WHERE id = $1
       RETURNING uidnext - $2 AS first, highestmodseq AS modseq`,
      [targetId, rows.length],
    )
  ).rows[0];
  if (!alloc) throw new Error('the locked target mailbox vanished');
  const mapping = rows.map((row, i): [number, number] => [row.uid, alloc.first + i]);
  await tx.query(
    `INSERT INTO messages (mailbox_id, uid, modseq, sysflags, keywords, internal_date, save_date, size, blob_id, email_id, thread_id)
     SELECT $1, s.uid, $2, m.sysflags, m.keywords, m.internal_date, $3, m.size, m.blob_id, m.email_id, m.thread_id
       FROM unnest($5::bigint[], $6::bigint[]) AS s(source, uid) JOIN messages m ON m.mailbox_id = $4 AND m.uid = s.source`,
    [targetId, alloc.modseq, Date.now(), sourceId, mapping.map(([from]) => from), mapping.map(([, to]) => to)],
  );
  await ctx.reference(tx, rows.map((r) => r.blob_id));
  return { mapping, modseq: alloc.modseq };
}

/** Removes rows from a locked mailbox, logging each UID with one new MODSEQ (for VANISHED); blobs
 *  left without references go in the same transaction. Returns that MODSEQ. */
async function removeRows(ctx: PgContext, tx: Tx, mailboxId: number, rows: ReadonlyArray<{ uid: number; blob_id: string }>): Promise<number> {
  const modseq = await ctx.bumpModseq(tx, mailboxId);
  const uids = rows.map((r) => r.uid);
  await tx.query('DELETE FROM messages WHERE mailbox_id = $1 AND uid = ANY($2::bigint[])', [mailboxId, uids]);
  await tx.query(
    `INSERT INTO expunged (mailbox_id, uid, modseq) SELECT $1, u, $2 FROM unnest($3::bigint[]) AS u
     ON CONFLICT (mailbox_id, uid) DO UPDATE SET modseq = excluded.modseq`,
    [mailboxId, modseq, uids],
  );
  await ctx.deref(tx, rows.map((r) => r.blob_id));
  return modseq;
}

export async function copyMessages(ctx: PgContext, fromMailboxId: number, uids: readonly number[], toMailboxId: number, options: CopyOptions = {}): Promise<CopyResult> {
  return ctx.tx(async (tx) => {
    const boxes = await ctx.lockMailboxes(tx, [fromMailboxId, toMailboxId]);
    const uidValidity = boxes.get(toMailboxId)?.uidvalidity ?? 0;
    const rows = await rowsByUid(tx, fromMailboxId, uids);
    if (rows.length === 0) return { uidValidity, mapping: [] };
    // RFC 9208 §4.3.1, in the transaction (quota row locked before the blob rows, as in append).
    if (options.enforceQuota === true) {
      await checkQuota(tx, boxes.get(toMailboxId)?.account_id ?? 0, rows.reduce((n, r) => n + r.size, 0), rows.length);
    }
    const copied = await insertCopies(ctx, tx, fromMailboxId, toMailboxId, rows);
    await tx.changed(toMailboxId, copied.modseq);
    return { uidValidity, mapping: copied.mapping };
  });
}

/** RFC 6851: the copy and the expunge in the source are one transaction, so a crash leaves the
 *  messages in exactly one of the two mailboxes. */
export async function moveMessages(ctx: PgContext, fromMailboxId: number, uids: readonly number[], toMailboxId: number): Promise<CopyResult> {
  return ctx.tx(async (tx) => {
    const boxes = await ctx.lockMailboxes(tx, [fromMailboxId, toMailboxId]);
    const uidValidity = boxes.get(toMailboxId)?.uidvalidity ?? 0;
    const rows = await rowsByUid(tx, fromMailboxId, uids);
    if (rows.length === 0) return { uidValidity, mapping: [] };
    const copied = await insertCopies(ctx, tx, fromMailboxId, toMailboxId, rows);
    const sourceModseq = await removeRows(ctx, tx, fromMailboxId, rows);
    await tx.changed(fromMailboxId, sourceModseq);
    if (toMailboxId !== fromMailboxId) await tx.changed(toMailboxId, copied.modseq);
    return { uidValidity, mapping: copied.mapping };
  });
}

export async function expunge(ctx: PgContext, mailboxId: number, uids?: readonly number[]): Promise<number[]> {
  return ctx.tx(async (tx) => {
    await ctx.lockMailbox(tx, mailboxId);
    const rows = (
      uids === undefined
        ? await tx.query<{ uid: number; blob_id: string }>('SELECT uid, blob_id FROM messages WHERE mailbox_id = $1 AND (sysflags & 8) <> 0 ORDER BY uid', [mailboxId])
        : await tx.query<{ uid: number; blob_id: string }>(
            'SELECT uid, blob_id FROM messages WHERE mailbox_id = $1 AND (sysflags & 8) <> 0 AND uid = ANY($2::bigint[]) ORDER BY uid',
            [mailboxId, uids],
          )
    ).rows;
    if (rows.length === 0) return [];
    const modseq = await removeRows(ctx, tx, mailboxId, rows);
    await tx.changed(mailboxId, modseq);
    return rows.map((r) => r.uid);
  });
}
