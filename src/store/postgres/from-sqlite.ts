// `postkeep migrate`: copies an embedded installation (SQLite + blob files) into an empty PostgreSQL
// database, row for row with the same ids, so that UIDs, UIDVALIDITY, MODSEQs (per message and per
// mailbox), the expunge log (QRESYNC VANISHED), \Recent floors, flags, dates, subscriptions, quotas,
// annotations and password hashes stay exactly as they were: clients need not resynchronize.
// One transaction: a failure leaves the target as empty as it was.
import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import pg from 'pg';
import { FileBlobStore } from '../blobs/file-blobs.js';
import { bodyTextFromFile } from '../sqlite/body-text.js';
import { readBlob } from '../sqlite/inline-blobs.js';
import { BLOB_DIR, DATABASE_FILE, SqliteStore } from '../sqlite/sqlite-store.js';
import type { MessageAnalyzer } from '../types.js';
import { PG_TYPES, storableJson, storableText } from './context.js';
import type { MessageSummary } from '../../mime/types.js';
import { migrate } from './schema.js';
import { storableEnvelopeText } from './envelope-text.js';
import { storableSearchHeaders } from './search-headers.js';

export interface MigrationSummary {
  readonly accounts: number;
  readonly mailboxes: number;
  readonly messages: number;
  readonly blobs: number;
  readonly blobBytes: number;
  readonly expunged: number;
}

export interface MigrateOptions {
  readonly dataDir: string;
  readonly url: string;
  /** src/mime/analyze.ts's analyzeMessage: long body texts are not in the SQLite rows (body-text.ts)
   *  but are stored in PostgreSQL's, so they are extracted from the files again. */
  readonly analyze: MessageAnalyzer;
  /** Called after each batch of blobs (progress for the terminal). */
  readonly progress?: (blobsDone: number, blobsTotal: number) => void;
}

type Row = Record<string, unknown>;

/** Rows per INSERT; blobs go in smaller batches since each carries its bytes. */
const BATCH = 1000;
const BLOB_BATCH = 50;

async function insertRows(client: pg.PoolClient, table: string, columns: readonly string[], rows: readonly Row[], cast: readonly string[]): Promise<void> {
  for (let i = 0; i < rows.length; i += BATCH) {
    const batch = rows.slice(i, i + BATCH);
    const arrays = columns.map((c) => batch.map((r) => r[c] ?? null));
    const list = columns.map((_, j) => `$${j + 1}::${cast[j]}[]`).join(', ');
    await client.query(`INSERT INTO ${table} (${columns.join(', ')}) SELECT * FROM unnest(${list})`, arrays);
  }
}

export class MigrationError extends Error {}

export async function migrateSqliteToPostgres(options: MigrateOptions): Promise<MigrationSummary> {
  // Bring the SQLite schema up to date first (an older installation), then read it directly.
  await (SqliteStore.open({ dataDir: options.dataDir, analyze: () => { throw new Error('no analysis during migration'); } })).close();
  const source = new Database(join(options.dataDir, DATABASE_FILE), { readonly: true, fileMustExist: true });
  const blobs = new FileBlobStore(join(options.dataDir, BLOB_DIR), { fsync: false });
  const pool = new pg.Pool({ connectionString: options.url, max: 1, types: PG_TYPES, application_name: 'postkeep-migrate' });
  try {
    const client = await pool.connect();
    try {
      await migrate(client);
      await client.query('BEGIN');
      try {
        const summary = await copyAll(source, blobs, options.analyze, client, options.progress);
        await client.query('COMMIT');
        return summary;
      } catch (err) {
        await client.query('ROLLBACK');
        throw err;
      }
    } finally {
      client.release();
    }
  } finally {
    source.close();
    await pool.end();
  }
}

async function copyAll(
  db: Database.Database,
  files: FileBlobStore,
  analyze: MessageAnalyzer,
  client: pg.PoolClient,
  progress?: (done: number, total: number) => void,
): Promise<MigrationSummary> {
  // Nobody may write the target while it fills (a node started too early would see half an installation).
  await client.query('LOCK TABLE accounts, mailboxes, messages, blobs IN EXCLUSIVE MODE');
  const existing = (await client.query<{ n: number }>('SELECT count(*) AS n FROM accounts')).rows[0]?.n ?? 0;
  if (existing > 0) throw new MigrationError(`The PostgreSQL database already has ${existing} account(s); migrate only into an empty database`);
  const all = (sql: string): Row[] => db.prepare(sql).all() as Row[];

  const lastUidValidity = db.prepare("SELECT value FROM meta WHERE key = 'last_uidvalidity'").pluck().get() as number | undefined;
  if (lastUidValidity !== undefined) {
    await client.query("INSERT INTO meta (key, value) VALUES ('last_uidvalidity', $1) ON CONFLICT (key) DO UPDATE SET value = GREATEST(meta.value, excluded.value)", [lastUidValidity]);
  }
  const accounts = all('SELECT a.id, a.login, a.password_hash, s.verifier AS scram_sha256, a.created FROM accounts a LEFT JOIN account_scram s ON s.account_id = a.id ORDER BY a.id');
  await insertRows(client, 'accounts', ['id', 'login', 'password_hash', 'scram_sha256', 'created'], accounts, ['bigint', 'text', 'text', 'text', 'bigint']);
  // The fake-SCRAM-salt secret comes along: unknown users keep the salts they had.
  for (const row of all('SELECT name, value FROM secrets')) {
    await client.query('INSERT INTO secrets (name, value) VALUES ($1, $2) ON CONFLICT (name) DO UPDATE SET value = excluded.value', [row['name'], row['value']]);
  }
  // The account trigger made empty quota rows; the limits come over, the usage follows the messages.
  const quotas = all('SELECT account_id, storage_limit, message_limit FROM quotas');
  await client.query(
    'UPDATE quotas q SET storage_limit = s.sl, message_limit = s.ml FROM unnest($1::bigint[], $2::bigint[], $3::bigint[]) AS s(id, sl, ml) WHERE q.account_id = s.id',
    [quotas.map((q) => q['account_id']), quotas.map((q) => q['storage_limit']), quotas.map((q) => q['message_limit'])],
  );
  const mailboxes = all('SELECT id, account_id, name, uidvalidity, uidnext, highestmodseq, special_use, mailbox_id, recent_floor FROM mailboxes ORDER BY id');
  await insertRows(client, 'mailboxes', ['id', 'account_id', 'name', 'uidvalidity', 'uidnext', 'highestmodseq', 'special_use', 'mailbox_id', 'recent_floor'], mailboxes,
    ['bigint', 'bigint', 'text', 'bigint', 'bigint', 'bigint', 'text', 'text', 'bigint']);
  await insertRows(client, 'subscriptions', ['account_id', 'name'], all('SELECT account_id, name FROM subscriptions'), ['bigint', 'text']);

  // Blobs with their bytes, read from the rows (small messages, inline-blobs.ts) or the files and
  // checked against their id (sha256).
  const blobIds = db.prepare('SELECT id FROM blobs ORDER BY id').pluck().all() as string[];
  const blobRow = db.prepare('SELECT id, size, refcount, summary, body_text, body_text_in_file FROM blobs WHERE id = ?');
  let blobBytes = 0;
  for (let i = 0; i < blobIds.length; i += BLOB_BATCH) {
    const rows: Row[] = [];
    for (const id of blobIds.slice(i, i + BLOB_BATCH)) {
      const { body_text_in_file: inFile, ...row } = blobRow.get(id) as { id: string; size: number; refcount: number; summary: string; body_text: string; body_text_in_file: number };
      let bytes: Buffer;
      try {
        bytes = await readBlob(db, files, id);
      } catch (err) {
        throw new MigrationError(`The message file of blob ${id} cannot be read (${err instanceof Error ? err.message : String(err)}); run postkeep check first`);
      }
      if (createHash('sha256').update(bytes).digest('hex') !== id) throw new MigrationError(`The message file of blob ${id} is damaged (its sha256 differs); run postkeep check first`);
      blobBytes += bytes.length;
      const summary = JSON.parse(row.summary) as MessageSummary;
      const bodyText = inFile ? bodyTextFromFile(analyze, bytes, summary) : row.body_text;
      rows.push({
        ...row,
        summary: storableJson(summary),
        body_text: storableText(bodyText),
        bytes,
        search_headers: storableSearchHeaders(summary),
        envelope_imap: storableEnvelopeText(summary),
      });
    }
    await insertRows(client, 'blobs', ['id', 'size', 'refcount', 'summary', 'body_text', 'bytes', 'search_headers', 'envelope_imap'], rows, [
      'text',
      'bigint',
      'int',
      'jsonb',
      'text',
      'bytea',
      'text',
      'text',
    ]);
    progress?.(Math.min(i + BLOB_BATCH, blobIds.length), blobIds.length);
  }

  let messages = 0;
  const messageColumns = ['mailbox_id', 'uid', 'modseq', 'sysflags', 'keywords', 'internal_date', 'save_date', 'size', 'blob_id', 'email_id', 'thread_id'];
  const messageCasts = ['bigint', 'bigint', 'bigint', 'int', 'text', 'bigint', 'bigint', 'bigint', 'text', 'text', 'text'];
  for (const box of mailboxes) {
    const rows = db.prepare(`SELECT ${messageColumns.join(', ')} FROM messages WHERE mailbox_id = ? ORDER BY uid`).all(box['id']) as Row[];
    await insertRows(client, 'messages', messageColumns, rows, messageCasts);
    messages += rows.length;
  }
  const expunged = all('SELECT mailbox_id, uid, modseq FROM expunged');
  await insertRows(client, 'expunged', ['mailbox_id', 'uid', 'modseq'], expunged, ['bigint', 'bigint', 'bigint']);
  await insertRows(client, 'server_metadata', ['account_id', 'name', 'value'], all('SELECT account_id, name, value FROM server_metadata'), ['bigint', 'text', 'bytea']);
  await insertRows(client, 'mailbox_metadata', ['mailbox_id', 'name', 'value'], all('SELECT mailbox_id, name, value FROM mailbox_metadata'), ['bigint', 'text', 'bytea']);

  // Ids were copied explicitly: new rows must continue above them.
  for (const table of ['accounts', 'mailboxes']) {
    await client.query(`SELECT setval(pg_get_serial_sequence('${table}', 'id'), GREATEST((SELECT max(id) FROM ${table}), 1))`);
  }
  // The triggers counted usage from the copied rows; it must agree with the source's counters.
  const usage = (await client.query<{ account_id: number; storage_used: number; messages_used: number }>('SELECT account_id, storage_used, messages_used FROM quotas')).rows;
  const expected = new Map((all('SELECT account_id, storage_used, messages_used FROM quotas') as Array<{ account_id: number; storage_used: number; messages_used: number }>).map((r) => [r.account_id, r]));
  for (const u of usage) {
    const e = expected.get(u.account_id);
    if (e && (e.storage_used !== u.storage_used || e.messages_used !== u.messages_used)) {
      throw new MigrationError(`Quota usage of account ${u.account_id} differs after the copy (${u.storage_used}/${u.messages_used} vs ${e.storage_used}/${e.messages_used}); run postkeep check first`);
    }
  }
  return { accounts: accounts.length, mailboxes: mailboxes.length, messages, blobs: blobIds.length, blobBytes, expunged: expunged.length };
}
