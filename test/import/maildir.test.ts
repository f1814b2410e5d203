import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { flagsFromFileName, lettersForFlags, parseDovecotKeywords } from '../../src/import/maildir-flags.js';
import { findMaildirFolders } from '../../src/import/maildir-layout.js';
import { compareMaildirNames, maildirSource } from '../../src/import/maildir-source.js';
import { runImport } from '../../src/import/importer.js';
import { contents, importInto, openStore, quietProgress, tempDir } from './helpers.js';

const T1 = Date.UTC(2023, 5, 1, 12, 0, 0);
const T2 = Date.UTC(2023, 5, 2, 8, 30, 15);

function put(dir: string, sub: 'cur' | 'new', name: string, text: string, mtime: number): void {
  for (const d of ['cur', 'new', 'tmp']) mkdirSync(join(dir, d), { recursive: true });
  const path = join(dir, sub, name);
  writeFileSync(path, text);
  utimesSync(path, mtime / 1000, mtime / 1000);
}

function message(subject: string): string {
  return `From: a@example.com\r\nSubject: ${subject}\r\n\r\nbody of ${subject}\r\n`;
}

test('maildir flags: info letters, Dovecot keyword letters, and back', () => {
  const keywords = parseDovecotKeywords('0 $Junk\n1 work\nnonsense\n30 toolate\n');
  assert.deepEqual([...keywords], [[0, '$Junk'], [1, 'work']]);
  assert.deepEqual(flagsFromFileName('1700000000.M1P2.host,S=120,W=123:2,FPRSTDab', keywords), [
    '\\Flagged', '$Forwarded', '\\Answered', '\\Seen', '\\Deleted', '\\Draft', '$Junk', 'work',
  ]);
  assert.deepEqual(flagsFromFileName('1700000000.M1P2.host', keywords), []);
  assert.deepEqual(flagsFromFileName('1700000000.M1P2.host;2,S', keywords), ['\\Seen']);
  assert.deepEqual(
    lettersForFlags(['\\Seen', '\\Answered', '$forwarded', 'work', '\\Flagged', 'other', '\\Recent'], new Map([['work', 1]])),
    { letters: 'FPRSb', unmapped: ['other'] },
  );
});

test('maildir names sort by the delivery time as a number', () => {
  assert.deepEqual(['1000000000.x', '999999999.y', '1000000000.a'].sort(compareMaildirNames), ['999999999.y', '1000000000.a', '1000000000.x']);
});

test('Maildir++ and plain-tree folders, modified UTF-7 names', () => {
  const root = tempDir();
  put(root, 'cur', '1.a:2,', 'x', T1);
  put(join(root, '.Work.Projects'), 'cur', '1.a:2,', 'x', T1);
  put(join(root, '.Caf&AOk-'), 'new', '1.a', 'x', T1);
  put(join(root, 'Archive', '2023'), 'cur', '1.a:2,', 'x', T1);
  mkdirSync(join(root, '.NotAFolder')); // no cur/ or new/
  writeFileSync(join(root, 'dovecot-uidlist'), '3 V1 N2\n');
  assert.deepEqual(
    findMaildirFolders(root).map((f) => f.name),
    ['INBOX', 'Archive/2023', 'Café', 'Work/Projects'],
  );
});

test('import a Dovecot Maildir++: folders, flags, keywords, mtimes, new/ unseen; a second run adds nothing', async () => {
  const root = tempDir();
  put(root, 'cur', '1686000000.M1P1.host,S=60:2,S', message('seen'), T1);
  put(root, 'cur', '1686000001.M2P1.host:2,RSa', message('answered'), T2);
  writeFileSync(join(root, 'dovecot-keywords'), '0 $Label1\n');
  put(root, 'new', '1686000002.M3P1.host', message('new one'), T2);
  const work = join(root, '.Work.Caf&AOk-');
  put(work, 'cur', '1686000003.M4P1.host:2,FPTDb', message('draft'), T1);
  writeFileSync(join(work, 'dovecot-keywords'), '0 unused\n1 Important\n');
  mkdirSync(join(root, '.Empty', 'cur'), { recursive: true });

  const store = await openStore();
  const first = await importInto(store, 'alice', maildirSource(root, 1 << 20));
  assert.deepEqual([first.imported, first.duplicates, first.failed], [4, 0, 0]);
  const got = await contents(store, 'alice');
  assert.deepEqual(got['INBOX'], [
    { bytes: message('seen'), flags: ['\\Seen'], internalDate: T1 },
    { bytes: message('answered'), flags: ['$Label1', '\\Answered', '\\Seen'], internalDate: T2 },
    { bytes: message('new one'), flags: [], internalDate: T2 },
  ]);
  assert.deepEqual(got['Work/Café'], [
    { bytes: message('draft'), flags: ['$Forwarded', 'Important', '\\Deleted', '\\Draft', '\\Flagged'], internalDate: T1 },
  ]);
  assert.deepEqual(got['Work'], []); // the parent, created on the way
  assert.deepEqual(got['Empty'], []); // an empty folder still comes over

  const second = await importInto(store, 'alice', maildirSource(root, 1 << 20));
  assert.deepEqual([second.imported, second.duplicates, second.failed], [0, 4, 0]);
  assert.deepEqual(await contents(store, 'alice'), got);
  await store.close();
});

test('import a plain-tree Maildir (mbsync, Dovecot LAYOUT=fs)', async () => {
  const root = tempDir();
  put(join(root, 'INBOX'), 'cur', '1.a:2,S', message('in'), T1);
  put(join(root, 'Lists', 'node'), 'cur', '2.b:2,F', message('list'), T2);
  const store = await openStore();
  const summary = await importInto(store, 'alice', maildirSource(root, 1 << 20));
  assert.equal(summary.imported, 2);
  const got = await contents(store, 'alice');
  assert.deepEqual(got['INBOX'], [{ bytes: message('in'), flags: ['\\Seen'], internalDate: T1 }]);
  assert.deepEqual(got['Lists/node'], [{ bytes: message('list'), flags: ['\\Flagged'], internalDate: T2 }]);
  await store.close();
});

test('a message too big or empty is reported and skipped; the rest is imported', async () => {
  const root = tempDir();
  put(root, 'cur', '1.a:2,', message('fine'), T1);
  put(root, 'cur', '2.b:2,', 'x'.repeat(5000), T1);
  put(root, 'cur', '3.c:2,', '', T1);
  put(root, 'cur', '4.d:2,', message('also fine'), T1);
  const store = await openStore();
  const notes: string[] = [];
  const summary = await importInto(store, 'alice', maildirSource(root, 4096), notes);
  assert.deepEqual([summary.imported, summary.failed], [2, 2]);
  assert.equal(notes.length, 2);
  assert.match(notes[0] ?? '', /2\.b:2,: 5000 bytes is larger than the limit of 4096/);
  assert.match(notes[1] ?? '', /3\.c:2,: the file is empty/);
  await store.close();
});

test('dovecot-uidlist gives the order; files it does not list come after, by name', async () => {
  const root = tempDir();
  put(root, 'cur', '1686000001.M1P1.host,S=10:2,S', message('b'), T1);
  put(root, 'cur', '1686000002.M2P1.host:2,', message('a'), T1);
  put(root, 'new', '1686000000.M0P1.host', message('c'), T1);
  writeFileSync(join(root, 'dovecot-uidlist'), '3 V1 N3 Gabc\n1 :1686000002.M2P1.host\n2 W120 :1686000001.M1P1.host,S=10\n');
  const store = await openStore();
  await importInto(store, 'alice', maildirSource(root, 1 << 20));
  assert.deepEqual((await contents(store, 'alice'))['INBOX']?.map((m) => m.bytes), [message('a'), message('b'), message('c')]);
  await store.close();
});

test('over quota: the import stops with the reason (or goes on with ignoreQuota)', async () => {
  const root = tempDir();
  for (let i = 0; i < 5; i++) put(root, 'cur', `${i}.x:2,`, message(`m${i}`), T1);
  const store = await openStore();
  const account = await store.createAccount('alice', 'x');
  await store.setQuota(account.id, { messages: 2 });
  const summary = await importInto(store, 'alice', maildirSource(root, 1 << 20));
  assert.equal(summary.imported, 2);
  assert.match(summary.stopped ?? '', /over its quota/);
  const all = await runImport(maildirSource(root, 1 << 20), {
    store,
    accountId: account.id,
    progress: quietProgress(),
    maxMessageBytes: 1 << 20,
    ignoreQuota: true,
  });
  assert.deepEqual([all.imported, all.duplicates, all.stopped], [3, 2, null]);
  await store.close();
});
