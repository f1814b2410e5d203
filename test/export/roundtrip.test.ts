import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runExport } from '../../src/export/exporter.js';
import { maildirPlusPlusDir } from '../../src/export/maildir-names.js';
import { MaildirWriter } from '../../src/export/maildir-writer.js';
import { escapeMboxrd, MboxWriter, mboxPathFor } from '../../src/export/mbox-writer.js';
import { flagsFromFileName, parseDovecotKeywords } from '../../src/import/maildir-flags.js';
import { findMaildirFolders } from '../../src/import/maildir-layout.js';
import { maildirSource } from '../../src/import/maildir-source.js';
import { mboxSource } from '../../src/import/mbox-source.js';
import type { Store } from '../../src/store/types.js';
import { contents, importInto, openStore, quietProgress, tempDir } from '../import/helpers.js';

const T1 = Date.UTC(2022, 2, 3, 4, 5, 6);
const T2 = Date.UTC(2021, 0, 1, 0, 0, 1);

// Messages chosen to be hard to keep: CRLF and LF, "From " lines, no final newline, 8-bit bytes.
const MESSAGES: ReadonlyArray<readonly [string, Buffer, number]> = [
  ['cur/1600000000.M1P1.h,S=1:2,S', Buffer.from('Subject: crlf\r\n\r\nFrom the top\r\n>From quoted\r\n'), T1],
  ['cur/1600000001.M2P1.h:2,FRab', Buffer.from('Subject: lf\n\nbody\n\n\n'), T2],
  ['new/1600000002.M3P1.h', Buffer.from('Subject: no final newline\r\n\r\nlast line'), T1],
  ['cur/1600000003.M4P1.h:2,DPT', Buffer.concat([Buffer.from('Subject: 8bit\n\ncaf'), Buffer.from([0xe9, 0x0a])]), T2],
];

function buildMaildir(): string {
  const root = tempDir('postkeep-export-src-');
  for (const dir of [root, join(root, '.Work.Caf&AOk-'), join(root, '.Empty')]) {
    for (const d of ['cur', 'new', 'tmp']) mkdirSync(join(dir, d), { recursive: true });
  }
  writeFileSync(join(root, 'dovecot-keywords'), '0 $Label1\n1 work\n');
  for (const [name, bytes, date] of MESSAGES) {
    for (const dir of [root, join(root, '.Work.Caf&AOk-')]) {
      writeFileSync(join(dir, name), bytes);
      utimesSync(join(dir, name), date / 1000, date / 1000);
    }
  }
  return root;
}

interface FileMessage {
  readonly bytes: string;
  readonly flags: readonly string[];
  readonly mtime: number;
}

/** folder name -> its messages as files (sorted by bytes), read back from a Maildir. */
function readMaildir(root: string): Record<string, FileMessage[]> {
  const out: Record<string, FileMessage[]> = {};
  for (const folder of findMaildirFolders(root)) {
    let keywords = new Map<number, string>();
    try {
      keywords = parseDovecotKeywords(readFileSync(join(folder.dir, 'dovecot-keywords'), 'utf8'));
    } catch {
      // no keywords in this folder
    }
    const list: FileMessage[] = [];
    for (const sub of ['cur', 'new']) {
      for (const name of readdirSync(join(folder.dir, sub))) {
        const path = join(folder.dir, sub, name);
        list.push({
          bytes: readFileSync(path).toString('latin1'),
          flags: flagsFromFileName(name, keywords).sort(),
          mtime: Math.floor(statSync(path).mtimeMs / 1000) * 1000,
        });
      }
    }
    out[folder.name] = list.sort((a, b) => (a.bytes < b.bytes ? -1 : 1));
  }
  return out;
}

async function exportTo(store: Store, login: string, format: 'maildir' | 'mbox'): Promise<string> {
  const dir = tempDir(`postkeep-export-${format}-`);
  const account = await store.findAccount(login);
  const writer = format === 'maildir' ? new MaildirWriter(dir) : new MboxWriter(dir);
  const summary = await runExport(store, account?.id ?? 0, writer, quietProgress());
  assert.equal(summary.failed, 0);
  return dir;
}

test('Maildir round trip: import, export, import into a second account: bytes, flags, keywords, dates kept', async () => {
  const source = buildMaildir();
  const store = await openStore();
  const imported = await importInto(store, 'alice', maildirSource(source, 1 << 20));
  assert.equal(imported.imported, 8);

  const exported = await exportTo(store, 'alice', 'maildir');
  const before = readMaildir(source);
  const after = readMaildir(exported);
  assert.deepEqual(after['INBOX'], before['INBOX']);
  assert.deepEqual(after['Work/Café'], before['Work/Café']);
  assert.deepEqual(after['Empty'], []);
  assert.deepEqual(before['INBOX']?.find((m) => m.bytes.startsWith('Subject: lf'))?.flags, ['$Label1', '\\Answered', '\\Flagged', 'work']);
  // Dovecot's layout: INBOX at the root, modified UTF-7 folder names, the default mailboxes too.
  assert.deepEqual(readdirSync(exported).filter((n) => n.startsWith('.')).sort(), [
    '.Archive', '.Drafts', '.Empty', '.Junk', '.Sent', '.Trash', '.Work', '.Work.Caf&AOk-',
  ]);

  await importInto(store, 'bob', maildirSource(exported, 1 << 20));
  assert.deepEqual(await contents(store, 'bob'), await contents(store, 'alice'));
  await store.close();
});

test('mbox round trip: export then import keeps bytes (newline-ended ones), flags and dates', async () => {
  const store = await openStore();
  await importInto(store, 'alice', maildirSource(buildMaildir(), 1 << 20));
  const dir = await exportTo(store, 'alice', 'mbox');
  assert.ok(statSync(join(dir, 'Work', 'Café.mbox')).isFile());
  const text = readFileSync(join(dir, 'INBOX.mbox'), 'latin1');
  assert.match(text, /^From MAILER-DAEMON \w{3} \w{3} [ \d]\d \d\d:\d\d:\d\d \d{4}\n/);
  assert.match(text, /\r\n>From the top\r\n>>From quoted\r\n/);
  assert.match(text, /Subject: lf\nStatus: O\nX-Status: AF\nX-Keywords: \$Label1 work\n\nbody\n/);

  await importInto(store, 'carol', await mboxSource(dir, 1 << 20, null));
  const alice = await contents(store, 'alice');
  const carol = await contents(store, 'carol');
  for (const name of Object.keys(alice)) {
    const expected = alice[name]?.map((m) => (m.bytes.endsWith('\n') ? m : { ...m, bytes: `${m.bytes}\n` }));
    assert.deepEqual(carol[name], expected, name);
  }
  assert.deepEqual(Object.keys(carol).sort(), Object.keys(alice).sort());
  await store.close();
});

test('names on disk: Maildir++ escapes "." in a level; mbox refuses "." and ".." levels', () => {
  assert.equal(maildirPlusPlusDir('INBOX'), null);
  assert.equal(maildirPlusPlusDir('a.b/Café'), '.a&AC4-b.Caf&AOk-');
  assert.equal(mboxPathFor('/x', 'Lists/node'), '/x/Lists/node.mbox');
  assert.equal(mboxPathFor('/x', '../etc'), null);
});

test('mboxrd escaping adds one ">" to ^>*From lines only', () => {
  const out = Buffer.concat(escapeMboxrd(Buffer.from('From a\n>From b\n>>From c\n> From d\nx From e\nFrom'))).toString();
  assert.equal(out, '>From a\n>>From b\n>>>From c\n> From d\nx From e\nFrom');
});
