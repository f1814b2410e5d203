// postkeep check: each kind of damage is reported, --repair fixes what is safe, a second run is clean.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { analyzeMessage } from '../../src/mime/analyze.js';
import { sha256Hex } from '../../src/store/blobs/file-blobs.js';
import { BODY_TEXT_INLINE_MAX } from '../../src/store/sqlite/body-text.js';
import { checkSqliteStore, type CheckReport } from '../../src/store/sqlite/check.js';
import { openSqliteStore } from '../../src/store/sqlite/index.js';
import { DATABASE_FILE } from '../../src/store/sqlite/sqlite-store.js';
import { runCli } from '../cli/run.js';

/** These tests damage message files: every message in a file (inline rows: sqlite-inline-blobs.test.ts). */
const FILES_ONLY = { inlineBlobMaxBytes: -1 } as const;
const message = (n: number): Buffer => Buffer.from(`From: a@example.org\r\nSubject: message ${n}\r\n\r\nBody ${n}\r\n`);

/** A store with alice: INBOX UIDs 1-3, Archive UID 1 (a copy of INBOX 1). */
async function makeStore(): Promise<{ dir: string; dataDir: string; blobs: string[] }> {
  const dir = mkdtempSync(join(tmpdir(), 'postkeep-check-'));
  const dataDir = join(dir, 'data');
  const store = await openSqliteStore({ dataDir, analyze: analyzeMessage, fsync: false, ...FILES_ONLY });
  const account = await store.createAccount('alice', 'h');
  const inbox = await store.getMailbox(account.id, 'INBOX');
  const archive = await store.getMailbox(account.id, 'Archive');
  assert.ok(inbox && archive);
  for (let i = 1; i <= 3; i++) await store.appendMessage(inbox.id, { bytes: message(i), flags: [] });
  await store.copyMessages(inbox.id, [1], archive.id);
  await store.close();
  return { dir, dataDir, blobs: [1, 2, 3].map((i) => sha256Hex(message(i))) };
}

function sql(dataDir: string, text: string): void {
  const db = new Database(join(dataDir, DATABASE_FILE));
  try {
    db.pragma('foreign_keys = OFF');
    db.exec(text);
  } finally {
    db.close();
  }
}

const blobPath = (dataDir: string, id: string): string => join(dataDir, 'blobs', id.slice(0, 2), id);
const kinds = (r: CheckReport): string[] => r.problems.map((p) => p.kind).sort();
const check = (dataDir: string, repair = false, dropMissing = false): Promise<CheckReport> =>
  checkSqliteStore(dataDir, { analyze: analyzeMessage, repair, dropMissing });

/** Damage, check (found, not repaired), repair (all repaired), check again (clean). */
type Made = Awaited<ReturnType<typeof makeStore>>;
async function damageAndRepair(damage: (s: Made) => void, expected: string[], detail?: RegExp, after?: (s: Made) => void): Promise<void> {
  const s = await makeStore();
  try {
    assert.deepEqual(kinds(await check(s.dataDir)), [], 'a fresh store is clean');
    damage(s);
    const found = await check(s.dataDir);
    assert.deepEqual(kinds(found), expected);
    assert.ok(found.problems.every((p) => !p.repaired));
    if (detail) assert.match(found.problems.map((p) => p.detail).join('\n'), detail);
    const repaired = await check(s.dataDir, true);
    assert.deepEqual(kinds(repaired), expected);
    assert.ok(repaired.problems.every((p) => p.repaired), JSON.stringify(repaired.problems));
    assert.deepEqual(kinds(await check(s.dataDir)), [], 'clean after the repair');
    after?.(s);
  } finally {
    rmSync(s.dir, { recursive: true, force: true });
  }
}

test('check: wrong reference count', () =>
  damageAndRepair((s) => sql(s.dataDir, `UPDATE blobs SET refcount = 7 WHERE id = '${s.blobs[0]}'`), ['refcount'], /counts 7 reference\(s\), 2 message\(s\)/));

test('check: a blob row nobody uses goes, with its file', async () => {
  await damageAndRepair(
    (s) => sql(s.dataDir, `DELETE FROM messages WHERE uid = 2 AND mailbox_id = (SELECT id FROM mailboxes WHERE name = 'INBOX')`),
    ['refcount'],
    /counts 1 reference\(s\), 0 message\(s\)/,
    (s) => assert.equal(existsSync(blobPath(s.dataDir, s.blobs[1] ?? '')), false, 'the file went with the row'),
  );
});

test('check: orphan and temp files are removed', () =>
  damageAndRepair(
    (s) => {
      const bytes = Buffer.from('nobody refers to me');
      const id = sha256Hex(bytes);
      mkdirSync(join(s.dataDir, 'blobs', id.slice(0, 2)), { recursive: true });
      writeFileSync(blobPath(s.dataDir, id), bytes);
      writeFileSync(join(s.dataDir, 'blobs', (s.blobs[0] ?? '').slice(0, 2), '.tmp-crashed'), 'half');
    },
    ['orphan-file', 'temp-file'],
  ));

test('check: UIDNEXT and HIGHESTMODSEQ below what is used', () =>
  damageAndRepair(
    (s) => sql(s.dataDir, `UPDATE mailboxes SET uidnext = 2, highestmodseq = 1 WHERE name = 'INBOX'`),
    ['highestmodseq', 'uidnext'],
    /alice\/INBOX: UIDNEXT 2 is not above UID 3/,
  ));

test('check: UIDNEXT must stay above expunged UIDs too (no reuse)', () =>
  damageAndRepair(
    (s) => sql(s.dataDir, `INSERT INTO expunged (mailbox_id, uid, modseq) SELECT id, 9, highestmodseq FROM mailboxes WHERE name = 'INBOX'`),
    ['uidnext'],
  ));

test('check: quota usage counters', () => damageAndRepair((s) => sql(s.dataDir, 'UPDATE quotas SET storage_used = 0, messages_used = 99'), ['quota']));

test('check: a summary that does not parse is analysed again from the file', () =>
  damageAndRepair((s) => sql(s.dataDir, `UPDATE blobs SET summary = '{broken' WHERE id = '${s.blobs[1]}'`), ['summary']));

test('check: a missing blob row comes back from its file', () =>
  damageAndRepair((s) => sql(s.dataDir, `DELETE FROM blobs WHERE id = '${s.blobs[2]}'`), ['blob-row-missing']));

test('check: a repaired row with a long body text leaves the text in the file, as delivery does', async () => {
  const s = await makeStore();
  try {
    const big = Buffer.from(`From: a@example.org\r\nSubject: long\r\n\r\n${'words and more words\r\n'.repeat(3000)}the end\r\n`);
    const id = sha256Hex(big);
    const expected = analyzeMessage(big).bodyText;
    assert.ok(expected.length > BODY_TEXT_INLINE_MAX);
    let store = await openSqliteStore({ dataDir: s.dataDir, analyze: analyzeMessage, fsync: false, ...FILES_ONLY });
    const inbox = await store.getMailbox((await store.findAccount('alice'))?.id ?? 0, 'INBOX');
    assert.ok(inbox);
    await store.appendMessage(inbox.id, { bytes: big, flags: [] });
    await store.close();
    const columns = (): unknown => {
      const db = new Database(join(s.dataDir, DATABASE_FILE), { readonly: true });
      try {
        return db.prepare('SELECT body_text, body_text_in_file FROM blobs WHERE id = ?').get(id);
      } finally {
        db.close();
      }
    };
    for (const damage of [`UPDATE blobs SET summary = '{broken', body_text = 'stale', body_text_in_file = 0 WHERE id = '${id}'`, `DELETE FROM blobs WHERE id = '${id}'`]) {
      sql(s.dataDir, damage);
      const repaired = await check(s.dataDir, true);
      assert.deepEqual(kinds(repaired), [damage.startsWith('DELETE') ? 'blob-row-missing' : 'summary']);
      assert.ok(repaired.problems.every((p) => p.repaired));
      assert.deepEqual(columns(), { body_text: '', body_text_in_file: 1 });
      store = await openSqliteStore({ dataDir: s.dataDir, analyze: analyzeMessage, fsync: false, ...FILES_ONLY });
      assert.equal(await store.getBodyText(id), expected);
      await store.close();
    }
  } finally {
    rmSync(s.dir, { recursive: true, force: true });
  }
});

test('check: a missing file names the messages; only --drop-missing removes them', async () => {
  const s = await makeStore();
  try {
    rmSync(blobPath(s.dataDir, s.blobs[0] ?? ''));
    const found = await check(s.dataDir);
    assert.deepEqual(kinds(found), ['missing-file']);
    assert.match(found.problems[0]?.detail ?? '', /alice\/INBOX UID 1, alice\/Archive UID 1 cannot be read/);
    const kept = await check(s.dataDir, true);
    assert.equal(kept.problems[0]?.repaired, false, 'not without --drop-missing');
    assert.equal(kept.counts.messages, 4);
    const dropped = await check(s.dataDir, true, true);
    assert.equal(dropped.problems[0]?.repaired, true);
    const after = await check(s.dataDir);
    assert.deepEqual(kinds(after), []);
    assert.equal(after.counts.messages, 2);
    // Dropped like an EXPUNGE: logged with a new MODSEQ, so clients hear VANISHED; UIDs not reused.
    const store = await openSqliteStore({ dataDir: s.dataDir, analyze: analyzeMessage, fsync: false, ...FILES_ONLY });
    const account = await store.findAccount('alice');
    const inbox = await store.getMailbox(account?.id ?? 0, 'INBOX');
    assert.ok(inbox);
    const changes = await store.changesSince(inbox.id, inbox.highestModseq - 1);
    assert.deepEqual(changes.expunged, [1]);
    assert.equal(inbox.uidNext, 4);
    assert.deepEqual((await store.getQuota(inbox.accountId)).messagesUsed, 2);
    await store.close();
  } finally {
    rmSync(s.dir, { recursive: true, force: true });
  }
});

test('check: a store in the old two-level layout (ab/cd/<id>) is moved to ab/<id> first, then checks clean', async () => {
  const s = await makeStore();
  try {
    const root = join(s.dataDir, 'blobs');
    rmSync(join(root, 'LAYOUT'));
    for (const id of s.blobs) {
      const old = join(root, id.slice(0, 2), id.slice(2, 4));
      mkdirSync(old, { recursive: true });
      renameSync(blobPath(s.dataDir, id), join(old, id));
    }
    const report = await check(s.dataDir);
    assert.deepEqual(kinds(report), []);
    assert.equal(report.counts.files, 3);
    for (const id of s.blobs) {
      assert.ok(existsSync(blobPath(s.dataDir, id)));
      assert.equal(existsSync(join(root, id.slice(0, 2), id.slice(2, 4))), false, 'the old directory is gone');
    }
    assert.equal(readFileSync(join(root, 'LAYOUT'), 'utf8'), '1\n');
  } finally {
    rmSync(s.dir, { recursive: true, force: true });
  }
});

test('check: a file of the wrong size is damaged', async () => {
  const s = await makeStore();
  try {
    writeFileSync(blobPath(s.dataDir, s.blobs[1] ?? ''), 'truncated');
    const found = await check(s.dataDir, true);
    assert.deepEqual(kinds(found), ['bad-file']);
    assert.equal(found.problems[0]?.repaired, false);
    assert.match(found.problems[0]?.detail ?? '', /has 9 bytes, \d+ expected: alice\/INBOX UID 2 is damaged/);
  } finally {
    rmSync(s.dir, { recursive: true, force: true });
  }
});

test('postkeep check: exit codes 0 clean, 1 problems, 2 cannot run; refuses while the lock is held', async () => {
  const s = await makeStore();
  try {
    const config = join(s.dir, 'postkeep.toml');
    writeFileSync(config, 'data_dir = "data"\n');
    const cli = (...args: string[]): ReturnType<typeof runCli> => runCli(['--config', config, 'check', ...args]);
    let r = await cli();
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Checked 1 account\(s\), 6 mailbox\(es\), 4 message\(s\), 3 blob\(s\), 3 file\(s\)\.\nNo problems found\./);
    sql(s.dataDir, 'UPDATE quotas SET messages_used = 0');
    r = await cli();
    assert.equal(r.code, 1);
    assert.match(r.stdout, /problem: quota: alice: quota usage says/);
    r = await cli('--repair', '--json');
    assert.equal(r.code, 0, r.stdout);
    assert.equal((JSON.parse(r.stdout) as CheckReport).problems[0]?.repaired, true);
    // A live holder of the lock (this test process) makes check refuse.
    writeFileSync(join(s.dataDir, 'postkeep.lock'), `${process.pid} serve\n`);
    r = await cli();
    assert.equal(r.code, 2);
    assert.match(r.stderr, /is in use by process \d+ \(postkeep\.lock\); stop the server first/);
    // A stale lock (its process is gone) is taken over.
    writeFileSync(join(s.dataDir, 'postkeep.lock'), '999999999 serve\n');
    assert.equal((await cli()).code, 0);
    r = await runCli(['--config', config, 'check', '--drop-missing']);
    assert.equal(r.code, 2);
    writeFileSync(config, 'data_dir = "nowhere"\n');
    r = await cli();
    assert.equal(r.code, 2);
    assert.match(r.stderr, /no store at/);
    assert.equal(existsSync(join(s.dataDir, 'postkeep.lock')), false, 'check releases its lock');
  } finally {
    rmSync(s.dir, { recursive: true, force: true });
  }
});
