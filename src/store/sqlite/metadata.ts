// METADATA (RFC 5464) annotations of the SQLite store: server entries per account (mailbox null)
// and mailbox entries per mailbox (they follow RENAME, which keeps the id, and go with DELETE by
// ON DELETE CASCADE). Entry names are stored lower-cased (RFC 5464 §3.2: case-insensitive).
import { StoreError, type MetadataDepth, type MetadataEntry, type MetadataChange } from '../types.js';
import type { SqliteContext } from './context.js';

interface Row {
  readonly name: string;
  readonly value: Buffer;
}

function scope(mailboxId: number | null): { table: string; key: string } {
  return mailboxId === null ? { table: 'server_metadata', key: 'account_id' } : { table: 'mailbox_metadata', key: 'mailbox_id' };
}

function requireMailbox(ctx: SqliteContext, accountId: number, mailboxId: number): void {
  const owner = ctx.stmt('SELECT account_id FROM mailboxes WHERE id = ?').pluck().get(mailboxId) as number | undefined;
  if (owner !== accountId) throw new StoreError('NONEXISTENT', 'The mailbox does not exist (any more)');
}

/** Depth below `entry` (1 for a child), or -1 when `name` is not `entry` or below it. */
function depthBelow(entry: string, name: string): number {
  if (name === entry) return 0;
  if (!name.startsWith(entry + '/')) return -1;
  return name.slice(entry.length + 1).split('/').length;
}

export function getMetadata(ctx: SqliteContext, accountId: number, mailboxId: number | null, entries: readonly string[], depth: MetadataDepth): MetadataEntry[] {
  if (mailboxId !== null) requireMailbox(ctx, accountId, mailboxId);
  const { table, key } = scope(mailboxId);
  const owner = mailboxId ?? accountId;
  const query = ctx.stmt(`SELECT name, value FROM ${table} WHERE ${key} = ? AND (name = ? OR substr(name, 1, ?) = ?) ORDER BY name`);
  const out = new Map<string, Buffer>();
  for (const raw of entries) {
    const entry = raw.toLowerCase();
    for (const row of query.all(owner, entry, entry.length + 1, entry + '/') as Row[]) {
      const d = depthBelow(entry, row.name);
      if (d < 0 || (depth !== 'infinity' && d > depth)) continue;
      out.set(row.name, row.value);
    }
  }
  return [...out].map(([name, value]) => ({ name, value }));
}

/** All or nothing (RFC 5464 §4.3). LIMIT when the entries would pass `maxEntries`. */
export function setMetadata(
  ctx: SqliteContext,
  accountId: number,
  mailboxId: number | null,
  changes: readonly MetadataChange[],
  maxEntries: number,
): void {
  ctx.write(() => {
    if (mailboxId === null) {
      if (!ctx.stmt('SELECT 1 FROM accounts WHERE id = ?').get(accountId)) throw new StoreError('NONEXISTENT', 'The account does not exist (any more)');
    } else requireMailbox(ctx, accountId, mailboxId);
    const { table, key } = scope(mailboxId);
    const owner = mailboxId ?? accountId;
    const put = ctx.stmt(`INSERT INTO ${table} (${key}, name, value) VALUES (?, ?, ?) ON CONFLICT (${key}, name) DO UPDATE SET value = excluded.value`);
    const del = ctx.stmt(`DELETE FROM ${table} WHERE ${key} = ? AND name = ?`);
    for (const c of changes) {
      if (c.value === null) del.run(owner, c.name.toLowerCase());
      else put.run(owner, c.name.toLowerCase(), c.value);
    }
    const count = ctx.stmt(`SELECT COUNT(*) FROM ${table} WHERE ${key} = ?`).pluck().get(owner) as number;
    // Throwing rolls the whole transaction back.
    if (count > maxEntries) throw new StoreError('LIMIT', `At most ${maxEntries} annotations per ${mailboxId === null ? 'server' : 'mailbox'}`);
  });
}
