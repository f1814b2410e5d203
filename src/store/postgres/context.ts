// What the PostgreSQL store's operation modules share: the pool, transactions that retry on
// deadlock, change events (local at once after the commit; other nodes through NOTIFY, which
// PostgreSQL delivers at the commit), row mapping and blob references.
import pg from 'pg';
import { randomBytes } from 'node:crypto';
import { ChangeNotifier } from '../events.js';
import { WatchedMailboxes } from '../watched.js';
import { StoreError, type MessageAnalyzer } from '../types.js';
import { type MailboxRow } from '../rows.js';

/** The one channel every node LISTENs on. Payload: "<node> <mailbox id> <modseq>". */
export const CHANNEL = 'postkeep_changes';

/** bigint (int8) columns as JS numbers: ids, UIDs, MODSEQs, sizes and ms dates all stay far below 2^53. */
export const PG_TYPES: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: string) =>
    oid === 20 ? (value: string) => Number(value) : pg.types.getTypeParser(oid, format as 'text')) as pg.CustomTypesConfig['getTypeParser'],
};

export { MESSAGE_COLUMNS, toMailbox, toMeta, type MailboxRow, type MessageRow } from '../rows.js';

// PostgreSQL text and jsonb cannot hold U+0000, and jsonb refuses lone surrogates: such characters
// (from a broken message) become U+FFFD, as a decoder would make them.
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

export function storableText(text: string): string {
  return text.replace(UNSTORABLE, '\uFFFD');
}

export function storableJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => (typeof v === 'string' ? storableText(v) : v));
}

/** One transaction: its client, and the changes to announce once it has committed. */
export class Tx {
  readonly changes: Array<[number, number]> = [];
  constructor(
    readonly client: pg.PoolClient,
    private readonly node: string,
  ) {}

  query<R extends pg.QueryResultRow = pg.QueryResultRow>(sql: string, params?: unknown[]): Promise<pg.QueryResult<R>> {
    return this.client.query<R>(sql, params);
  }

  /** Records a change of a mailbox: NOTIFY now (PostgreSQL delivers it at the commit, never after a
   *  rollback), local listeners right after the commit. */
  async changed(mailboxId: number, modseq: number): Promise<void> {
    this.changes.push([mailboxId, modseq]);
    await this.client.query('SELECT pg_notify($1, $2)', [CHANNEL, `${this.node} ${mailboxId} ${modseq}`]);
  }
}

/** Distinct ids, sorted (so that transactions lock the same blobs in the same order), with their counts. */
function countIds(blobIds: readonly string[]): [string[], number[]] {
  const counts = new Map<string, number>();
  for (const id of blobIds) counts.set(id, (counts.get(id) ?? 0) + 1);
  const ids = [...counts.keys()].sort();
  return [ids, ids.map((id) => counts.get(id) ?? 0)];
}

// 40P01 deadlock, 40001 serialization failure: the transaction did nothing, so it can run again.
function retryable(err: unknown): boolean {
  const code = (err as { code?: string }).code;
  return code === '40P01' || code === '40001';
}

export class PgContext {
  readonly notifier = new ChangeNotifier();
  /** This store's name in NOTIFY payloads, so that it does not announce its own changes twice. */
  readonly node = randomBytes(6).toString('hex');
  /** Mailboxes sessions of this node have read: after a lost LISTEN connection these are told to look. */
  readonly watched = new WatchedMailboxes();

  constructor(
    readonly pool: pg.Pool,
    readonly analyze: MessageAnalyzer,
  ) {}

  query<R extends pg.QueryResultRow = pg.QueryResultRow>(sql: string, params?: unknown[]): Promise<pg.QueryResult<R>> {
    return this.pool.query<R>(sql, params);
  }

  /** Runs fn in a READ COMMITTED transaction; row locks (UPDATE, FOR UPDATE) order the writers. */
  async tx<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      const client = await this.pool.connect();
      const tx = new Tx(client, this.node);
      let broken: Error | undefined;
      try {
        await client.query('BEGIN');
        const result = await fn(tx);
        await client.query('COMMIT');
        for (const [id, modseq] of tx.changes) this.notifier.emit(id, modseq);
        return result;
      } catch (err) {
        try {
          await client.query('ROLLBACK');
        } catch (rollbackErr) {
          broken = rollbackErr instanceof Error ? rollbackErr : new Error(String(rollbackErr));
        }
        if (retryable(err) && attempt < 5) continue;
        throw err;
      } finally {
        client.release(broken);
      }
    }
  }

  /** Remembers a mailbox a session looks at. */
  watch(mailboxId: number): void {
    this.watched.add(mailboxId);
  }

  /** Locks and returns a mailbox row for the rest of the transaction. */
  async lockMailbox(tx: Tx, id: number): Promise<MailboxRow> {
    const row = (await tx.query<MailboxRow>('SELECT * FROM mailboxes WHERE id = $1 FOR UPDATE', [id])).rows[0];
    if (!row) throw new StoreError('NONEXISTENT', 'The mailbox does not exist (any more)');
    return row;
  }

  /** Locks several mailboxes in id order, so that two transactions never wait for each other in a circle. */
  async lockMailboxes(tx: Tx, ids: readonly number[]): Promise<Map<number, MailboxRow>> {
    const rows = (await tx.query<MailboxRow>('SELECT * FROM mailboxes WHERE id = ANY($1::bigint[]) ORDER BY id FOR UPDATE', [[...new Set(ids)]])).rows;
    const map = new Map(rows.map((r) => [r.id, r]));
    for (const id of ids) if (!map.has(id)) throw new StoreError('NONEXISTENT', 'The mailbox does not exist (any more)');
    return map;
  }

  /** The next MODSEQ of a locked mailbox, recorded as its HIGHESTMODSEQ. */
  async bumpModseq(tx: Tx, mailboxId: number): Promise<number> {
    const row = (await tx.query<{ highestmodseq: number }>('UPDATE mailboxes SET highestmodseq = highestmodseq + 1 WHERE id = $1 RETURNING highestmodseq', [mailboxId])).rows[0];
    if (!row) throw new StoreError('NONEXISTENT', 'The mailbox does not exist (any more)');
    return row.highestmodseq;
  }

  /** A UIDVALIDITY never used before in this database (rule 2): the time in seconds, or one more than
   *  the last one. The meta row's lock serializes mailbox creation between nodes. */
  async nextUidValidity(tx: Tx): Promise<number> {
    const row = (
      await tx.query<{ value: number }>(
        `INSERT INTO meta (key, value) VALUES ('last_uidvalidity', floor(extract(epoch FROM clock_timestamp()))::bigint)
         ON CONFLICT (key) DO UPDATE SET value = GREATEST(floor(extract(epoch FROM clock_timestamp()))::bigint, meta.value + 1)
         RETURNING value`,
      )
    ).rows[0];
    if (!row || row.value > 0xffffffff) throw new StoreError('LIMIT', 'No UIDVALIDITY values are left');
    return row.value;
  }

  /** Adds one reference per entry (an id may repeat), in id order. */
  async reference(tx: Tx, blobIds: readonly string[]): Promise<void> {
    const [ids, counts] = countIds(blobIds);
    if (ids.length === 0) return;
    await tx.query('UPDATE blobs b SET refcount = b.refcount + c.n FROM unnest($1::text[], $2::int[]) AS c(id, n) WHERE b.id = c.id', [ids, counts]);
  }

  /** Drops one reference per entry (an id may repeat); blobs nobody refers to any more are deleted
   *  in the same transaction, bytes included: nothing is left to collect later. */
  async deref(tx: Tx, blobIds: readonly string[]): Promise<void> {
    const [ids, counts] = countIds(blobIds);
    if (ids.length === 0) return;
    // Two statements: a DELETE in the same statement as the UPDATE would not see the new counts.
    await tx.query('UPDATE blobs b SET refcount = b.refcount - c.n FROM unnest($1::text[], $2::int[]) AS c(id, n) WHERE b.id = c.id', [ids, counts]);
    await tx.query('DELETE FROM blobs WHERE id = ANY($1::text[]) AND refcount <= 0', [ids]);
  }
}
