// METADATA (RFC 5464) annotations of the PostgreSQL store: server entries per account, mailbox
// entries per mailbox (they follow RENAME, which keeps the id, and go with DELETE by cascade).
// Entry names are stored lower-cased (RFC 5464 §3.2: case-insensitive).
import { StoreError, type MetadataChange, type MetadataDepth, type MetadataEntry } from '../types.js';
import type { PgContext, Tx } from './context.js';

function scope(mailboxId: number | null): { table: string; key: string } {
  return mailboxId === null ? { table: 'server_metadata', key: 'account_id' } : { table: 'mailbox_metadata', key: 'mailbox_id' };
}

async function requireOwner(q: PgContext | Tx, accountId: number, mailboxId: number | null, lock: boolean): Promise<void> {
  const sql = mailboxId === null ? 'SELECT id AS owner FROM accounts WHERE id = $1' : 'SELECT account_id AS owner FROM mailboxes WHERE id = $1';
  const owner = (await q.query<{ owner: number }>(sql + (lock ? ' FOR UPDATE' : ''), [mailboxId ?? accountId])).rows[0]?.owner;
  if (owner !== accountId) throw new StoreError('NONEXISTENT', mailboxId === null ? 'The account does not exist (any more)' : 'The mailbox does not exist (any more)');
}

/** Depth below `entry` (1 for a child), or -1 when `name` is not `entry` or below it. */
function depthBelow(entry: string, name: string): number {
  if (name === entry) return 0;
  if (!name.startsWith(entry + '/')) return -1;
  return name.slice(entry.length + 1).split('/').length;
}

export async function getMetadata(
  ctx: PgContext,
  accountId: number,
  mailboxId: number | null,
  entries: readonly string[],
  depth: MetadataDepth,
): Promise<MetadataEntry[]> {
  if (mailboxId !== null) await requireOwner(ctx, accountId, mailboxId, false);
  const { table, key } = scope(mailboxId);
  const out = new Map<string, Buffer>();
  for (const raw of entries) {
    const entry = raw.toLowerCase();
    const rows = (
      await ctx.query<{ name: string; value: Buffer }>(
        `SELECT name, value FROM ${table} WHERE ${key} = $1 AND (name = $2 OR starts_with(name, $3)) ORDER BY name`,
        [mailboxId ?? accountId, entry, entry + '/'],
      )
    ).rows;
    for (const row of rows) {
      const d = depthBelow(entry, row.name);
      if (d < 0 || (depth !== 'infinity' && d > depth)) continue;
      out.set(row.name, row.value);
    }
  }
  return [...out].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([name, value]) => ({ name, value }));
}

/** All or nothing (RFC 5464 §4.3). LIMIT when the entries would pass `maxEntries`. */
export async function setMetadata(
  ctx: PgContext,
  accountId: number,
  mailboxId: number | null,
  changes: readonly MetadataChange[],
  maxEntries: number,
): Promise<void> {
  await ctx.tx(async (tx) => {
    // The owner's row lock serializes setters, so that two cannot pass the count limit together.
    await requireOwner(tx, accountId, mailboxId, true);
    const { table, key } = scope(mailboxId);
    const owner = mailboxId ?? accountId;
    for (const c of changes) {
      if (c.value === null) await tx.query(`DELETE FROM ${table} WHERE ${key} = $1 AND name = $2`, [owner, c.name.toLowerCase()]);
      else {
        await tx.query(`INSERT INTO ${table} (${key}, name, value) VALUES ($1, $2, $3) ON CONFLICT (${key}, name) DO UPDATE SET value = excluded.value`, [
          owner,
          c.name.toLowerCase(),
          c.value,
        ]);
      }
    }
    const count = (await tx.query<{ n: number }>(`SELECT count(*) AS n FROM ${table} WHERE ${key} = $1`, [owner])).rows[0]?.n ?? 0;
    // Throwing rolls the whole transaction back.
    if (count > maxEntries) throw new StoreError('LIMIT', `At most ${maxEntries} annotations per ${mailboxId === null ? 'server' : 'mailbox'}`);
  });
}
