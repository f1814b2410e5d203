// `postkeep check`: verifies an SQLite store offline (the caller holds the data-dir lock, so no server
// writes meanwhile) and, with repair, fixes what can be fixed without losing mail. Every finding is one
// CheckProblem; the database repairs run in one transaction, file removals after its commit.
import Database from 'better-sqlite3';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { FileBlobStore } from '../blobs/file-blobs.js';
import type { MessageAnalyzer } from '../types.js';
import { analyzeForRow, bodyTextColumns } from './body-text.js';
import { checkFiles, type BlobRow } from './check-files.js';
import { readBlob } from './inline-blobs.js';
import { COUNT_MESSAGES_SQL, type MailboxCounts } from './mailboxes.js';
import { migrate } from './migrations.js';
import { BLOB_DIR, DATABASE_FILE } from './sqlite-store.js';

export type CheckProblemKind =
  | 'integrity'
  | 'foreign-key'
  | 'refcount'
  | 'blob-row-missing'
  | 'missing-file'
  | 'bad-file'
  | 'orphan-file'
  | 'temp-file'
  | 'uidnext'
  | 'highestmodseq'
  | 'quota'
  | 'mailbox-counts'
  | 'summary';

export interface CheckProblem {
  readonly kind: CheckProblemKind;
  readonly detail: string;
  /** True once --repair fixed it. */
  repaired: boolean;
}

export interface CheckReport {
  readonly problems: CheckProblem[];
  readonly counts: { accounts: number; mailboxes: number; messages: number; blobs: number; files: number };
}

export interface CheckOptions {
  readonly analyze: MessageAnalyzer;
  /** Fix what is safe: refcounts, quota usage, STATUS counts, uidnext/highestmodseq, summaries, orphan and temp files. */
  readonly repair?: boolean;
  /** With repair: also remove the messages whose file is missing or damaged (they are lost anyway). */
  readonly dropMissing?: boolean;
}

/** Thrown when the check cannot run at all (no store there, unreadable database). */
export class CheckCannotRunError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CheckCannotRunError';
  }
}

/** Where a message is, for a person reading the report. */
export interface MessagePlace {
  readonly login: string;
  readonly mailbox: string;
  readonly mailboxId: number;
  readonly uid: number;
  readonly blobId: string;
}

export function describePlace(p: MessagePlace): string {
  return `${p.login}/${p.mailbox} UID ${p.uid}`;
}

export async function checkSqliteStore(dataDir: string, options: CheckOptions): Promise<CheckReport> {
  const file = join(dataDir, DATABASE_FILE);
  if (!existsSync(file)) throw new CheckCannotRunError(`no store at ${dataDir} (${DATABASE_FILE} is missing)`);
  let db: Database.Database;
  try {
    db = new Database(file, { fileMustExist: true });
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    migrate(db);
  } catch (err) {
    throw new CheckCannotRunError(`cannot open ${file}: ${(err as Error).message}`);
  }
  try {
    return await runChecks(db, new FileBlobStore(join(dataDir, BLOB_DIR)), options);
  } finally {
    db.close();
  }
}

async function runChecks(db: Database.Database, blobs: FileBlobStore, options: CheckOptions): Promise<CheckReport> {
  const problems: CheckProblem[] = [];
  const add = (kind: CheckProblemKind, detail: string): CheckProblem => {
    const p: CheckProblem = { kind, detail, repaired: false };
    problems.push(p);
    return p;
  };
  const repair = options.repair === true;

  const integrity = (db.pragma('integrity_check') as Array<{ integrity_check: string }>).map((r) => r.integrity_check);
  if (integrity.length !== 1 || integrity[0] !== 'ok') {
    for (const line of integrity.slice(0, 20)) add('integrity', line);
    // Repairs on a damaged b-tree could make it worse: report and stop (restore from a backup).
    return { problems, counts: counts(db, 0) };
  }
  const fk = db.pragma('foreign_key_check') as Array<{ table: string; parent: string }>;
  const fkByPair = new Map<string, number>();
  for (const r of fk) if (!(r.table === 'messages' && r.parent === 'blobs')) fkByPair.set(`${r.table} -> ${r.parent}`, (fkByPair.get(`${r.table} -> ${r.parent}`) ?? 0) + 1);
  for (const [pair, n] of fkByPair) add('foreign-key', `${n} row(s) of ${pair} point to nothing`);

  const places = db
    .prepare(
      `SELECT a.login AS login, b.name AS mailbox, m.mailbox_id AS mailboxId, m.uid AS uid, m.blob_id AS blobId
         FROM messages m JOIN mailboxes b ON b.id = m.mailbox_id JOIN accounts a ON a.id = b.account_id`,
    )
    .all() as MessagePlace[];
  const byBlob = new Map<string, MessagePlace[]>();
  for (const p of places) {
    const list = byBlob.get(p.blobId);
    if (list) list.push(p);
    else byBlob.set(p.blobId, [p]);
  }
  const blobRows = db.prepare('SELECT id, size, refcount, summary, length(bytes) AS inlineSize FROM blobs').all() as BlobRow[];
  const blobIds = new Set(blobRows.map((b) => b.id));
  const referenced = new Map<string, number>();
  for (const r of db.prepare('SELECT blob_id AS id, COUNT(*) AS n FROM messages GROUP BY blob_id').all() as Array<{ id: string; n: number }>) {
    referenced.set(r.id, r.n);
  }

  // Files: missing or damaged files of referenced blobs, orphans, temp files; and summaries to redo.
  const files = await checkFiles(blobs, blobRows, byBlob, referenced, options.analyze, (id) => readBlob(db, blobs, id));
  const toDrop: MessagePlace[] = [];
  const dropProblems: CheckProblem[] = [];
  for (const damaged of files.damaged) {
    const p = add(damaged.kind, damaged.detail);
    if (repair && options.dropMissing === true) {
      toDrop.push(...(byBlob.get(damaged.id) ?? []));
      dropProblems.push(p);
    }
  }
  // Messages whose blob row is gone: a file that is still there can give the row back.
  const rowless = [...referenced.keys()].filter((id) => !blobIds.has(id));
  const recreate: Array<{ id: string; bytes: Buffer; problem: CheckProblem }> = [];
  for (const id of rowless) {
    const where = (byBlob.get(id) ?? []).map(describePlace).join(', ');
    const bytes = await blobs.read(id).catch(() => null);
    if (bytes) {
      const p = add('blob-row-missing', `blob ${id} has no row (used by ${where}); its file is there and can be analysed again`);
      if (repair) recreate.push({ id, bytes, problem: p });
    } else {
      const p = add('missing-file', `blob ${id} has neither row nor file: ${where} cannot be read`);
      if (repair && options.dropMissing === true) {
        toDrop.push(...(byBlob.get(id) ?? []));
        dropProblems.push(p);
      }
    }
  }
  const refcountFixes: Array<{ id: string; actual: number; problem: CheckProblem }> = [];
  for (const row of blobRows) {
    const actual = referenced.get(row.id) ?? 0;
    if (row.refcount !== actual) refcountFixes.push({ id: row.id, actual, problem: add('refcount', `blob ${row.id} counts ${row.refcount} reference(s), ${actual} message(s) use it`) });
  }
  const summaryFixes = files.badSummaries.map((s) => ({ ...s, problem: add('summary', s.detail) }));

  if (repair) {
    const dead: string[] = [];
    db.transaction(() => {
      for (const r of recreate) {
        const analysis = analyzeForRow(options.analyze, r.bytes);
        const text = bodyTextColumns(analysis.bodyText);
        db.prepare('INSERT INTO blobs (id, size, refcount, summary, body_text, body_text_in_file) VALUES (?, ?, ?, ?, ?, ?)').run(
          r.id, r.bytes.length, referenced.get(r.id) ?? 0, JSON.stringify(analysis.summary), text.body_text, text.body_text_in_file);
        r.problem.repaired = true;
      }
      if (toDrop.length > 0) dropMessages(db, toDrop);
      for (const p of dropProblems) p.repaired = true;
      const dropped = new Map<string, number>();
      for (const p of toDrop) dropped.set(p.blobId, (dropped.get(p.blobId) ?? 0) + 1);
      for (const fix of refcountFixes) {
        fix.problem.repaired = true;
        const actual = fix.actual - (dropped.get(fix.id) ?? 0);
        if (actual > 0) db.prepare('UPDATE blobs SET refcount = ? WHERE id = ?').run(actual, fix.id);
        else dead.push(fix.id);
      }
      for (const [id, n] of dropped) {
        if (refcountFixes.some((f) => f.id === id)) continue;
        const left = (referenced.get(id) ?? 0) - n;
        if (left > 0) db.prepare('UPDATE blobs SET refcount = ? WHERE id = ?').run(left, id);
        else dead.push(id);
      }
      for (const id of dead) db.prepare('DELETE FROM blobs WHERE id = ?').run(id);
      for (const s of summaryFixes) {
        const text = bodyTextColumns(s.bodyText);
        db.prepare('UPDATE blobs SET summary = ?, body_text = ?, body_text_in_file = ? WHERE id = ?').run(JSON.stringify(s.summary), text.body_text, text.body_text_in_file, s.id);
        s.problem.repaired = true;
      }
    }).immediate();
  }

  // Counters, after the drops above so that the repair sets them to what is left.
  const counterFixes = counterChecks(db, add);
  if (repair) db.transaction(() => counterFixes.forEach(({ fix }) => fix())).immediate();

  // Files that no row needs (after the repairs above: dead blobs' files are orphans now). A row with
  // its bytes inline needs none: such a file is left from when the content was stored as a file.
  const rowsNow = new Set((db.prepare('SELECT id FROM blobs WHERE bytes IS NULL').pluck().all() as string[]));
  const inlineNow = new Set((db.prepare('SELECT id FROM blobs WHERE bytes IS NOT NULL').pluck().all() as string[]));
  for (const id of files.fileIds) {
    if (rowsNow.has(id)) continue;
    const wasOrphan = (!blobIds.has(id) && !referenced.has(id)) || inlineNow.has(id);
    const why = inlineNow.has(id) ? 'is not needed: its bytes are in the database' : 'belongs to no message';
    const p = wasOrphan ? add('orphan-file', `file of blob ${id} ${why}`) : null;
    if (repair) {
      blobs.removeSync(id);
      if (p) p.repaired = true;
    }
  }
  for (const temp of files.temps) {
    const p = add('temp-file', `${temp} is left from an interrupted write`);
    if (repair) {
      rmSync(temp, { force: true });
      p.repaired = true;
    }
  }
  return { problems, counts: counts(db, files.fileIds.length) };
}

/** Removes damaged messages the way EXPUNGE would (new MODSEQ, expunge log), so clients see them go. */
function dropMessages(db: Database.Database, places: readonly MessagePlace[]): void {
  const mailboxes = new Set(places.map((p) => p.mailboxId));
  for (const mailboxId of mailboxes) {
    const { highestmodseq } = db.prepare('UPDATE mailboxes SET highestmodseq = highestmodseq + 1 WHERE id = ? RETURNING highestmodseq').get(mailboxId) as {
      highestmodseq: number;
    };
    for (const p of places) {
      if (p.mailboxId !== mailboxId) continue;
      db.prepare('DELETE FROM messages WHERE mailbox_id = ? AND uid = ?').run(mailboxId, p.uid);
      db.prepare('INSERT OR REPLACE INTO expunged (mailbox_id, uid, modseq) VALUES (?, ?, ?)').run(mailboxId, p.uid, highestmodseq);
    }
  }
}

/** UIDNEXT above every UID ever used, HIGHESTMODSEQ at least every MODSEQ, STATUS counts and quota
 *  usage = the sums. */
function counterChecks(db: Database.Database, add: (kind: CheckProblemKind, detail: string) => CheckProblem): Array<{ fix: () => void }> {
  const out: Array<{ fix: () => void }> = [];
  const boxes = db
    .prepare(
      `SELECT b.id AS id, a.login AS login, b.name AS name, b.uidnext AS uidnext, b.highestmodseq AS highestmodseq,
              MAX(COALESCE((SELECT MAX(uid) FROM messages WHERE mailbox_id = b.id), 0),
                  COALESCE((SELECT MAX(uid) FROM expunged WHERE mailbox_id = b.id), 0)) AS maxuid,
              MAX(COALESCE((SELECT MAX(modseq) FROM messages WHERE mailbox_id = b.id), 0),
                  COALESCE((SELECT MAX(modseq) FROM expunged WHERE mailbox_id = b.id), 0)) AS maxmodseq
         FROM mailboxes b JOIN accounts a ON a.id = b.account_id`,
    )
    .all() as Array<{ id: number; login: string; name: string; uidnext: number; highestmodseq: number; maxuid: number; maxmodseq: number }>;
  for (const b of boxes) {
    if (b.uidnext <= b.maxuid) {
      const p = add('uidnext', `${b.login}/${b.name}: UIDNEXT ${b.uidnext} is not above UID ${b.maxuid} (a UID could be used twice)`);
      out.push({ fix: () => (db.prepare('UPDATE mailboxes SET uidnext = ? WHERE id = ?').run(b.maxuid + 1, b.id), (p.repaired = true)) });
    }
    if (b.highestmodseq < b.maxmodseq) {
      const p = add('highestmodseq', `${b.login}/${b.name}: HIGHESTMODSEQ ${b.highestmodseq} is below MODSEQ ${b.maxmodseq}`);
      out.push({ fix: () => (db.prepare('UPDATE mailboxes SET highestmodseq = ? WHERE id = ?').run(b.maxmodseq, b.id), (p.repaired = true)) });
    }
  }
  // STATUS reads mailbox_counts (migration 15, kept by triggers): they must be what the messages say.
  const stored = db.prepare('SELECT messages, unseen, deleted, size FROM mailbox_counts WHERE mailbox_id = ?');
  const actual = db.prepare(COUNT_MESSAGES_SQL);
  for (const b of boxes) {
    const has = stored.get(b.id) as MailboxCounts | undefined;
    const is = actual.get(b.id) as MailboxCounts;
    if (has && has.messages === is.messages && has.unseen === is.unseen && has.deleted === is.deleted && has.size === is.size) continue;
    const say = (c: MailboxCounts): string => `${c.messages} message(s), ${c.unseen} unseen, ${c.deleted} deleted, ${c.size} bytes`;
    const p = add('mailbox-counts', `${b.login}/${b.name}: ${has ? `STATUS counts say ${say(has)}` : 'no STATUS counts'}, the mailbox holds ${say(is)}`);
    out.push({
      fix: () => {
        db.prepare('INSERT OR REPLACE INTO mailbox_counts (mailbox_id, messages, unseen, deleted, size) VALUES (?, ?, ?, ?, ?)').run(b.id, is.messages, is.unseen, is.deleted, is.size);
        p.repaired = true;
      },
    });
  }
  const quotas = db
    .prepare(
      `SELECT a.id AS id, a.login AS login, q.account_id AS has, q.storage_used AS storage, q.messages_used AS count,
              (SELECT COALESCE(SUM(m.size), 0) FROM messages m JOIN mailboxes b ON b.id = m.mailbox_id WHERE b.account_id = a.id) AS actualStorage,
              (SELECT COUNT(*) FROM messages m JOIN mailboxes b ON b.id = m.mailbox_id WHERE b.account_id = a.id) AS actualCount
         FROM accounts a LEFT JOIN quotas q ON q.account_id = a.id`,
    )
    .all() as Array<{ id: number; login: string; has: number | null; storage: number | null; count: number | null; actualStorage: number; actualCount: number }>;
  for (const q of quotas) {
    if (q.has !== null && q.storage === q.actualStorage && q.count === q.actualCount) continue;
    const detail =
      q.has === null
        ? `${q.login}: no quota row`
        : `${q.login}: quota usage says ${q.storage} bytes in ${q.count} message(s), the mailboxes hold ${q.actualStorage} in ${q.actualCount}`;
    const p = add('quota', detail);
    out.push({
      fix: () => {
        db.prepare(
          `INSERT INTO quotas (account_id, storage_used, messages_used) VALUES (?, ?, ?)
             ON CONFLICT (account_id) DO UPDATE SET storage_used = excluded.storage_used, messages_used = excluded.messages_used`,
        ).run(q.id, q.actualStorage, q.actualCount);
        p.repaired = true;
      },
    });
  }
  return out;
}

function counts(db: Database.Database, files: number): CheckReport['counts'] {
  const n = (sql: string): number => db.prepare(sql).pluck().get() as number;
  return {
    accounts: n('SELECT COUNT(*) FROM accounts'),
    mailboxes: n('SELECT COUNT(*) FROM mailboxes'),
    messages: n('SELECT COUNT(*) FROM messages'),
    blobs: n('SELECT COUNT(*) FROM blobs'),
    files,
  };
}
