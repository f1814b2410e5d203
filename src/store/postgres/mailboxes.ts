// Mailbox operations of the PostgreSQL store: create, delete, rename, subscriptions, status, \Recent.
import { newMailboxId } from '../ids.js';
import { canonicalName, DELIMITER, validMailboxName } from '../names.js';
import { StoreError, type Mailbox, type MailboxStatus, type MailboxWithStatus, type SpecialUse } from '../types.js';
import { toMailbox, type MailboxRow, type PgContext, type Tx } from './context.js';

function isUniqueViolation(err: unknown): boolean {
  return (err as { code?: string }).code === '23505';
}

async function byName(q: PgContext | Tx, accountId: number, name: string, lock = false): Promise<MailboxRow | undefined> {
  return (await q.query<MailboxRow>(`SELECT * FROM mailboxes WHERE account_id = $1 AND name = $2${lock ? ' FOR UPDATE' : ''}`, [accountId, name])).rows[0];
}

async function requireByName(tx: Tx, accountId: number, name: string): Promise<MailboxRow> {
  const row = await byName(tx, accountId, name, true);
  if (!row) throw new StoreError('NONEXISTENT', `Mailbox "${name}" does not exist`);
  return row;
}

/** Inserts a mailbox with a fresh UIDVALIDITY; inside a transaction. */
export async function insertMailbox(ctx: PgContext, tx: Tx, accountId: number, name: string, specialUse: SpecialUse | null): Promise<MailboxRow> {
  if (await byName(tx, accountId, name)) throw new StoreError('ALREADYEXISTS', `Mailbox "${name}" already exists`);
  try {
    const row = (
      await tx.query<MailboxRow>('INSERT INTO mailboxes (account_id, name, uidvalidity, special_use, mailbox_id) VALUES ($1, $2, $3, $4, $5) RETURNING *', [
        accountId,
        name,
        await ctx.nextUidValidity(tx),
        specialUse,
        newMailboxId(),
      ])
    ).rows[0];
    if (!row) throw new Error('INSERT ... RETURNING gave no row');
    return row;
  } catch (err) {
    if ((err as { code?: string }).code === '23503') throw new StoreError('NONEXISTENT', 'The account does not exist');
    throw err;
  }
}

/** Deletes a mailbox with its messages, expunge log and annotations; blobs left without references
 *  go too. Inside a transaction that holds the mailbox's lock. */
export async function removeMailboxRows(ctx: PgContext, tx: Tx, mailboxId: number): Promise<void> {
  const blobIds = (await tx.query<{ blob_id: string }>('DELETE FROM messages WHERE mailbox_id = $1 RETURNING blob_id', [mailboxId])).rows.map((r) => r.blob_id);
  await ctx.deref(tx, blobIds); // after the rows that refer to them are gone (foreign key)
  await tx.query('DELETE FROM mailboxes WHERE id = $1', [mailboxId]); // expunge log and metadata cascade
}

export async function listMailboxes(ctx: PgContext, accountId: number): Promise<Mailbox[]> {
  return (await ctx.query<MailboxRow>('SELECT * FROM mailboxes WHERE account_id = $1 ORDER BY name', [accountId])).rows.map(toMailbox);
}

export async function getMailbox(ctx: PgContext, accountId: number, name: string): Promise<Mailbox | null> {
  const row = await byName(ctx, accountId, canonicalName(name));
  return row ? toMailbox(row) : null;
}

export async function getMailboxById(ctx: PgContext, id: number): Promise<Mailbox | null> {
  ctx.watch(id);
  const row = (await ctx.query<MailboxRow>('SELECT * FROM mailboxes WHERE id = $1', [id])).rows[0];
  return row ? toMailbox(row) : null;
}

export async function createMailbox(ctx: PgContext, accountId: number, name: string, specialUse: SpecialUse | null): Promise<Mailbox> {
  const canonical = validMailboxName(name);
  try {
    return toMailbox(await ctx.tx((tx) => insertMailbox(ctx, tx, accountId, canonical, specialUse)));
  } catch (err) {
    // Another node created it between our check and our insert.
    if (isUniqueViolation(err)) throw new StoreError('ALREADYEXISTS', `Mailbox "${canonical}" already exists`);
    throw err;
  }
}

export async function deleteMailbox(ctx: PgContext, accountId: number, name: string): Promise<void> {
  const canonical = canonicalName(name);
  if (canonical === 'INBOX') throw new StoreError('CANNOT', 'INBOX cannot be deleted');
  await ctx.tx(async (tx) => {
    const row = await requireByName(tx, accountId, canonical);
    await removeMailboxRows(ctx, tx, row.id);
    // Sessions that have it selected wake up and find it gone (getMailboxById -> null).
    await tx.changed(row.id, row.highestmodseq + 1);
  });
}

export async function renameMailbox(ctx: PgContext, accountId: number, from: string, to: string): Promise<void> {
  const source = canonicalName(from);
  const target = validMailboxName(to);
  if (source === 'INBOX') return renameInbox(ctx, accountId, target);
  if (target === source) throw new StoreError('ALREADYEXISTS', `Mailbox "${target}" already exists`);
  if (target.startsWith(source + DELIMITER)) throw new StoreError('CANNOT', `Mailbox "${source}" cannot be moved inside itself`);
  try {
    await ctx.tx(async (tx) => {
      await requireByName(tx, accountId, source);
      const moving = (
        await tx.query<{ id: number; name: string }>('SELECT id, name FROM mailboxes WHERE account_id = $1 AND (name = $2 OR starts_with(name, $3)) ORDER BY id FOR UPDATE', [
          accountId,
          source,
          source + DELIMITER,
        ])
      ).rows;
      const movingIds = new Set(moving.map((m) => m.id));
      const renames = moving.map((m) => ({ id: m.id, name: target + m.name.slice(source.length) }));
      for (const r of renames) {
        const clash = await byName(tx, accountId, r.name);
        if (clash && !movingIds.has(clash.id)) throw new StoreError('ALREADYEXISTS', `Mailbox "${r.name}" already exists`);
        validMailboxName(r.name);
      }
      // Two steps, so that a new name equal to another renamed mailbox's old name never collides.
      for (const r of renames) await tx.query('UPDATE mailboxes SET name = $1 WHERE id = $2', [`\u0001renaming ${r.id}`, r.id]);
      for (const r of renames) await tx.query('UPDATE mailboxes SET name = $1 WHERE id = $2', [r.name, r.id]);
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw new StoreError('ALREADYEXISTS', `Mailbox "${target}" already exists`);
    throw err;
  }
}

/** RFC 9051 §6.3.6: renaming INBOX moves its messages to a new mailbox and leaves INBOX empty. The new
 *  mailbox has a new UIDVALIDITY, so the messages keep their UIDs; INBOX keeps its UIDNEXT and logs
 *  the moved UIDs as expunged. Children of INBOX stay where they are. */
async function renameInbox(ctx: PgContext, accountId: number, target: string): Promise<void> {
  if (target === 'INBOX') throw new StoreError('ALREADYEXISTS', 'Mailbox "INBOX" already exists');
  try {
    await ctx.tx(async (tx) => {
      const inbox = await requireByName(tx, accountId, 'INBOX');
      const created = await insertMailbox(ctx, tx, accountId, target, null);
      await tx.query('UPDATE mailboxes SET uidnext = $1, highestmodseq = $2, recent_floor = $3 WHERE id = $4', [
        inbox.uidnext,
        inbox.highestmodseq,
        inbox.recent_floor,
        created.id,
      ]);
      const moved = (await tx.query<{ uid: number }>('UPDATE messages SET mailbox_id = $1 WHERE mailbox_id = $2 RETURNING uid', [created.id, inbox.id])).rows;
      if (moved.length === 0) return;
      const modseq = await ctx.bumpModseq(tx, inbox.id);
      await tx.query(
        `INSERT INTO expunged (mailbox_id, uid, modseq) SELECT $1, u, $2 FROM unnest($3::bigint[]) AS u
         ON CONFLICT (mailbox_id, uid) DO UPDATE SET modseq = excluded.modseq`,
        [inbox.id, modseq, moved.map((r) => r.uid)],
      );
      await tx.changed(inbox.id, modseq);
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw new StoreError('ALREADYEXISTS', `Mailbox "${target}" already exists`);
    throw err;
  }
}

export async function setSubscribed(ctx: PgContext, accountId: number, name: string, subscribed: boolean): Promise<void> {
  const canonical = subscribed ? validMailboxName(name) : canonicalName(name);
  const exists = (await ctx.query('SELECT 1 FROM accounts WHERE id = $1', [accountId])).rows.length > 0;
  if (!exists) throw new StoreError('NONEXISTENT', 'The account does not exist');
  try {
    if (subscribed) await ctx.query('INSERT INTO subscriptions (account_id, name) VALUES ($1, $2) ON CONFLICT DO NOTHING', [accountId, canonical]);
    else await ctx.query('DELETE FROM subscriptions WHERE account_id = $1 AND name = $2', [accountId, canonical]);
  } catch (err) {
    if ((err as { code?: string }).code === '23503') throw new StoreError('NONEXISTENT', 'The account does not exist');
    throw err;
  }
}

export async function listSubscriptions(ctx: PgContext, accountId: number): Promise<string[]> {
  return (await ctx.query<{ name: string }>('SELECT name FROM subscriptions WHERE account_id = $1 ORDER BY name', [accountId])).rows.map((r) => r.name);
}

/** One statement, so one consistent snapshot. The counts are the row the triggers keep (schema step
 *  4); \Recent is a range of the primary key from the floor up, empty in most mailboxes. */
const STATUS_COLUMNS = `b.*, COALESCE(c.messages, 0) AS messages, COALESCE(c.unseen, 0) AS unseen,
       COALESCE(c.deleted, 0) AS deleted, COALESCE(c.size, 0) AS size,
       (SELECT count(*) FROM messages m WHERE m.mailbox_id = b.id AND m.uid >= b.recent_floor) AS recent
  FROM mailboxes b LEFT JOIN mailbox_counts c ON c.mailbox_id = b.id`;

interface StatusRow extends MailboxRow {
  readonly messages: number;
  readonly unseen: number;
  readonly deleted: number;
  readonly size: number;
  readonly recent: number;
}

function toStatus(row: StatusRow): MailboxStatus {
  return {
    messages: row.messages,
    unseen: row.unseen,
    deleted: row.deleted,
    size: row.size,
    recent: row.recent,
    uidNext: row.uidnext,
    uidValidity: row.uidvalidity,
    highestModseq: row.highestmodseq,
  };
}

export async function mailboxStatus(ctx: PgContext, mailboxId: number): Promise<MailboxStatus> {
  const row = (await ctx.query<StatusRow>(`SELECT ${STATUS_COLUMNS} WHERE b.id = $1`, [mailboxId])).rows[0];
  if (!row) throw new StoreError('NONEXISTENT', 'The mailbox does not exist (any more)');
  return toStatus(row);
}

/** STATUS by name: one query instead of a lookup and then the status (one round trip fewer). */
export async function mailboxWithStatus(ctx: PgContext, accountId: number, name: string): Promise<MailboxWithStatus | null> {
  const row = (await ctx.query<StatusRow>(`SELECT ${STATUS_COLUMNS} WHERE b.account_id = $1 AND b.name = $2`, [accountId, canonicalName(name)])).rows[0];
  return row ? { mailbox: toMailbox(row), status: toStatus(row) } : null;
}

/** \Recent (RFC 3501): hands the caller every UID from the old floor up; the next caller gets none of them. */
export async function claimRecent(ctx: PgContext, mailboxId: number): Promise<number> {
  const row = (
    await ctx.query<{ floor: number }>(
      `UPDATE mailboxes m SET recent_floor = GREATEST(m.recent_floor, m.uidnext)
         FROM (SELECT id, recent_floor FROM mailboxes WHERE id = $1 FOR UPDATE) old
        WHERE m.id = old.id RETURNING old.recent_floor AS floor`,
      [mailboxId],
    )
  ).rows[0];
  if (!row) throw new StoreError('NONEXISTENT', 'The mailbox does not exist (any more)');
  return row.floor;
}
