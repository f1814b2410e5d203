// The checks after each kill, on the store as the killed server left it (offline, before the restart):
// what the model says was acknowledged is there byte for byte, with its acknowledged flags; nothing
// acknowledged as expunged is back; anything else present is a message that was sent but whose
// acknowledgement the kill cut off (adopted into the model); UIDs below UIDNEXT; then
// PRAGMA integrity_check and `postkeep check --repair`, after which the store must be clean.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { analyzeMessage } from '../../src/mime/analyze.js';
import { flagList } from '../../src/store/flags.js';
import { checkSqliteStore } from '../../src/store/sqlite/check.js';
import { DATABASE_FILE } from '../../src/store/sqlite/sqlite-store.js';
import { sha256, type Model } from './model.js';

export interface VerifyResult {
  /** Messages present without an acknowledgement (the kill came between commit and reply). */
  adopted: number;
  /** Orphan/temp files `check --repair` removed (bytes written, transaction never committed). */
  leftovers: number;
}

/** The bytes of a committed message, from its row (small messages) or its file; a missing file is a
 *  reference without bytes (rule 1 broken). */
function readBlob(db: Database.Database, dataDir: string, id: string, what: string): Buffer {
  const inline = db.prepare('SELECT bytes FROM blobs WHERE id = ? AND bytes IS NOT NULL').pluck().get(id) as Buffer | undefined;
  if (inline !== undefined) return inline;
  try {
    return readFileSync(join(dataDir, 'blobs', id.slice(0, 2), id));
  } catch (err) {
    return assert.fail(`${what}: committed, but its file is missing (${(err as Error).message})`);
  }
}

export async function verifyAfterKill(dataDir: string, model: Model, uidValidity: Map<string, number>, label: string): Promise<VerifyResult> {
  let adopted = 0;
  const db = new Database(join(dataDir, DATABASE_FILE));
  try {
    assert.deepEqual(db.pragma('integrity_check'), [{ integrity_check: 'ok' }], `${label}: integrity_check`);
    assert.deepEqual(db.pragma('foreign_key_check'), [], `${label}: foreign_key_check`);
    for (const name of ['INBOX', 'Archive']) {
      const box = db
        .prepare("SELECT b.id AS id, b.uidvalidity AS uidvalidity, b.uidnext AS uidnext FROM mailboxes b JOIN accounts a ON a.id = b.account_id WHERE a.login = 'alice' AND b.name = ?")
        .get(name) as { id: number; uidvalidity: number; uidnext: number };
      const known = uidValidity.get(name);
      if (known !== undefined) assert.equal(box.uidvalidity, known, `${label}: UIDVALIDITY of ${name} changed`);
      const rows = db.prepare('SELECT uid, sysflags, keywords, blob_id FROM messages WHERE mailbox_id = ? ORDER BY uid').all(box.id) as Array<{
        uid: number;
        sysflags: number;
        keywords: string;
        blob_id: string;
      }>;
      const byUid = new Map(rows.map((r) => [r.uid, r]));
      assert.equal(byUid.size, rows.length, `${label}: ${name} has a UID twice`);
      const modelBox = model.box(name);
      const gone = model.gone(name);
      for (const row of rows) {
        assert.ok(row.uid < box.uidnext, `${label}: ${name} UID ${row.uid} is not below UIDNEXT ${box.uidnext}`);
        const why = gone.get(row.uid);
        if (why !== undefined) {
          const bytes = readBlob(db, dataDir, row.blob_id, `${label}: ${name} UID ${row.uid}`);
          assert.fail(`${label}: ${name} UID ${row.uid} (${why}) came back: flags ${flagList(row.sysflags, row.keywords).join(' ')}, ${bytes.toString('latin1').slice(0, 300)}`);
        }
      }
      for (const [uid, m] of [...modelBox]) {
        const row = byUid.get(uid);
        if (!row) {
          assert.ok(m.maybeGone, `${label}: acknowledged message ${name} UID ${uid} is missing`);
          modelBox.delete(uid);
          gone.set(uid, `${label}: found gone after an unacknowledged expunge`); // its expunge did commit: it must never come back either
          continue;
        }
        const bytes = readBlob(db, dataDir, row.blob_id, `${label}: ${name} UID ${uid}`);
        assert.ok(bytes.equals(m.bytes), `${label}: ${name} UID ${uid} is not byte-exact (${bytes.length} bytes, ${m.bytes.length} acknowledged)`);
        assert.equal(row.blob_id, sha256(bytes), `${label}: ${name} UID ${uid}: file content does not match its blob id`);
        const flags = [...flagList(row.sysflags, row.keywords)].sort();
        if (m.flags === null) m.flags = flags;
        else assert.deepEqual(flags, m.flags, `${label}: ${name} UID ${uid} flags`);
        m.maybeGone = false;
      }
      for (const row of rows) {
        if (modelBox.has(row.uid)) continue;
        const bytes = readBlob(db, dataDir, row.blob_id, `${label}: ${name} UID ${row.uid}`);
        assert.ok(model.sent.has(sha256(bytes)), `${label}: ${name} UID ${row.uid} holds bytes no client sent`);
        model.added(name, row.uid, bytes, [...flagList(row.sysflags, row.keywords)]);
        adopted++;
      }
    }
  } finally {
    db.close();
  }
  // Leftovers of the kill (files written, transaction never committed) are all check may find.
  const report = await checkSqliteStore(dataDir, { analyze: analyzeMessage, repair: true });
  const unexpected = report.problems.filter((p) => p.kind !== 'orphan-file' && p.kind !== 'temp-file');
  assert.deepEqual(unexpected, [], `${label}: check found more than crash leftovers`);
  const again = await checkSqliteStore(dataDir, { analyze: analyzeMessage });
  assert.deepEqual(again.problems, [], `${label}: not clean after check --repair (a file without a reference, or a reference without a file)`);
  return { adopted, leftovers: report.problems.length };
}
