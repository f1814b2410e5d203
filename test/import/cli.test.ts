import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../cli/run.js';
import { contents, openStore, tempDir } from './helpers.js';

function setup(): { dir: string; cli: (args: string[]) => ReturnType<typeof runCli> } {
  const dir = tempDir('postkeep-import-cli-');
  const config = join(dir, 'postkeep.toml');
  // The smallest message limit, so that a 2 KB message counts as too big.
  writeFileSync(config, 'data_dir = "data"\n[imap.limits]\nmax_message_bytes = 1024\n');
  const env = { ...process.env, TZ: 'UTC' };
  return { dir, cli: (args) => runCli(['--config', config, ...args], '', env) };
}

function maildir(root: string): void {
  for (const d of ['cur', 'new', 'tmp']) mkdirSync(join(root, d), { recursive: true });
  writeFileSync(join(root, 'cur', '1.a:2,S'), 'Subject: one\r\n\r\nhello\r\n');
  writeFileSync(join(root, 'cur', '2.b:2,'), `Subject: big\r\n\r\n${'x'.repeat(2000)}\r\n`);
  mkdirSync(join(root, '.Sub', 'cur'), { recursive: true });
  writeFileSync(join(root, '.Sub', 'cur', '3.c:2,F'), 'Subject: three\r\n\r\nhi\r\n');
}

test('postkeep import/export: summary, a too-big message skipped with exit status 1, a second run adds nothing', async () => {
  const { dir, cli } = setup();
  const source = join(dir, 'Maildir');
  maildir(source);
  assert.equal((await runCli(['--config', join(dir, 'postkeep.toml'), 'user', 'add', 'alice', '--password-stdin'], 'pw\n')).code, 0);

  const first = await cli(['import', '--user', 'alice', 'maildir', source]);
  assert.equal(first.code, 1, first.stderr);
  assert.match(first.stderr, /skipped .*2\.b:2,: 2\d\d\d bytes is larger than the limit of 1024/);
  assert.match(first.stdout, /^Imported 2 messages \(0\.0 MB\) into 2 mailboxes, skipped 0 already there, 1 failed, in [\d.]+s \(\d+ msg\/s\)\n$/);

  const second = await cli(['import', '--user', 'alice', 'maildir', source]);
  assert.match(second.stdout, /^Imported 0 messages .* skipped 2 already there, 1 failed/);

  const out = join(dir, 'export');
  const exported = await cli(['export', '--user', 'alice', 'maildir', out]);
  assert.equal(exported.code, 0, exported.stderr);
  assert.match(exported.stdout, /^Exported 2 messages \(0\.0 MB\) from 7 mailboxes, 0 failed/);
  assert.deepEqual(readdirSync(join(out, 'cur')).map((n) => n.replace(/^\d+\.U\d+V\d+/, '')), ['.postkeep,S=23:2,S']);
  const again = await cli(['export', '--user', 'alice', 'mbox', out]);
  assert.deepEqual([again.code, again.stderr], [1, `postkeep: ${out} is not empty: export into a new or empty directory\n`]);

  const store = await openStore(join(dir, 'data'));
  const got = await contents(store, 'alice');
  assert.deepEqual(got['Sub']?.map((m) => m.flags), [['\\Flagged']]);
  await store.close();
});

test('postkeep import: clear errors for an unknown user, a missing path, not a Maildir, not an mbox', async () => {
  const { dir, cli } = setup();
  assert.equal((await runCli(['--config', join(dir, 'postkeep.toml'), 'user', 'add', 'alice', '--password-stdin'], 'pw\n')).code, 0);
  const source = join(dir, 'Maildir');
  maildir(source);
  assert.deepEqual(await cli(['import', '--user', 'nobody', 'maildir', source]), { code: 1, stdout: '', stderr: 'postkeep: user nobody does not exist\n' });
  const missing = join(dir, 'nowhere');
  assert.deepEqual(await cli(['import', '--user', 'alice', 'mbox', missing]), { code: 1, stdout: '', stderr: `postkeep: ${missing}: no such file or directory\n` });
  const empty = join(dir, 'empty');
  mkdirSync(empty);
  assert.deepEqual(await cli(['import', '--user', 'alice', 'maildir', empty]), {
    code: 1,
    stdout: '',
    stderr: `postkeep: ${empty} is not a Maildir: no cur/ or new/ in it or in any folder below it\n`,
  });
  const text = join(dir, 'notes.txt');
  writeFileSync(text, 'hello\n');
  assert.deepEqual(await cli(['import', '--user', 'alice', 'mbox', text]), {
    code: 1,
    stdout: '',
    stderr: `postkeep: ${text} is not an mbox file: it does not start with a "From " line\n`,
  });
  const bad = await cli(['import', '--user', 'alice', 'pst', text]);
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /'pst' is invalid for argument 'format'. Allowed choices are maildir, mbox/);
});
