import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { verifyPassword } from '../../src/auth/password.js';
import { deriveScramCredentials } from '../../src/auth/scram.js';
import type { AccountWithCredentials } from '../../src/store/types.js';
import { analyzeMessage } from '../../src/mime/analyze.js';
import { openSqliteStore } from '../../src/store/sqlite/index.js';
import { runCli } from './run.js';

function setup(): { dir: string; config: string } {
  const dir = mkdtempSync(join(tmpdir(), 'postkeep-cli-'));
  const config = join(dir, 'postkeep.toml');
  writeFileSync(config, 'data_dir = "data"\n');
  return { dir, config };
}

async function passwordHash(dataDir: string, login: string): Promise<string | undefined> {
  return (await credentials(dataDir, login))?.passwordHash;
}

async function credentials(dataDir: string, login: string): Promise<AccountWithCredentials | null> {
  const store = await openSqliteStore({ dataDir, analyze: analyzeMessage, fsync: false });
  try {
    return await store.findAccount(login);
  } finally {
    await store.close();
  }
}

/** The SCRAM credentials stored are those of `password` (RFC 5802 §3, with the stored salt and count). */
function scramMatches(account: AccountWithCredentials | null, password: string): boolean {
  const scram = account?.scram;
  if (!scram) return false;
  const expected = deriveScramCredentials(password, Buffer.from(scram.salt, 'base64'), scram.iterations);
  return scram.iterations === 4096 && expected.storedKey.toString('base64') === scram.storedKey && expected.serverKey.toString('base64') === scram.serverKey;
}

test('user add, list, passwd, del', async () => {
  const { dir, config } = setup();
  const cli = (args: string[], stdin = ''): ReturnType<typeof runCli> => runCli(['--config', config, ...args], stdin);

  assert.deepEqual(await cli(['user', 'add', 'alice', '--password-stdin'], 'secret one\n'), {
    code: 0,
    stdout: 'Added user alice.\n',
    stderr: '',
  });
  assert.equal(await verifyPassword((await passwordHash(join(dir, 'data'), 'alice')) ?? '', 'secret one'), true);
  assert.ok(scramMatches(await credentials(join(dir, 'data'), 'alice'), 'secret one'), 'SCRAM-SHA-256 credentials stored at user add');

  assert.deepEqual(await cli(['user', 'add', 'alice', '--password-stdin'], 'x\n'), {
    code: 1,
    stdout: '',
    stderr: 'postkeep: user alice already exists\n',
  });
  assert.equal((await cli(['user', 'add', 'bob@example.org', '--password-stdin'], 'pw')).code, 0);
  assert.deepEqual(await cli(['user', 'list']), { code: 0, stdout: 'alice\nbob@example.org\n', stderr: '' });

  assert.deepEqual(await cli(['user', 'passwd', 'alice', '--password-stdin'], 'secret two\r\nignored\n'), {
    code: 0,
    stdout: 'Changed the password of alice.\n',
    stderr: '',
  });
  assert.equal(await verifyPassword((await passwordHash(join(dir, 'data'), 'alice')) ?? '', 'secret two'), true);
  assert.ok(scramMatches(await credentials(join(dir, 'data'), 'alice'), 'secret two'), 'and replaced at passwd');

  assert.deepEqual(await cli(['user', 'del', 'alice']), {
    code: 1,
    stdout: '',
    stderr: 'postkeep: not deleting alice without confirmation: pass --yes\n',
  });
  assert.deepEqual(await cli(['user', 'del', 'alice', '--yes']), { code: 0, stdout: 'Deleted user alice.\n', stderr: '' });
  assert.deepEqual(await cli(['user', 'list']), { code: 0, stdout: 'bob@example.org\n', stderr: '' });
  assert.deepEqual(await cli(['user', 'del', 'alice', '--yes']), { code: 1, stdout: '', stderr: 'postkeep: user alice does not exist\n' });
  assert.deepEqual(await cli(['user', 'passwd', 'alice', '--password-stdin'], 'x\n'), {
    code: 1,
    stdout: '',
    stderr: 'postkeep: user alice does not exist\n',
  });
});

test('bad input gets one line and exit code 1', async () => {
  const { config } = setup();
  const cli = (args: string[], stdin = ''): ReturnType<typeof runCli> => runCli(['--config', config, ...args], stdin);
  assert.deepEqual(await cli(['user', 'add', 'a b', '--password-stdin'], 'x\n'), {
    code: 1,
    stdout: '',
    stderr: 'postkeep: invalid login "a b": use 1 to 64 characters from A-Z a-z 0-9 . _ @ + -\n',
  });
  assert.equal((await cli(['user', 'add', 'x'.repeat(65), '--password-stdin'], 'x\n')).code, 1);
  assert.deepEqual(await cli(['user', 'add', 'carol', '--password-stdin'], '\n'), {
    code: 1,
    stdout: '',
    stderr: 'postkeep: the password must not be empty\n',
  });
  assert.deepEqual(await cli(['user', 'add', 'carol']), {
    code: 1,
    stdout: '',
    stderr: 'postkeep: stdin is not a terminal: pass --password-stdin to read the password from it\n',
  });
  assert.deepEqual(await cli(['user', 'list']), {
    code: 0,
    stdout: '',
    stderr: 'No accounts. Add one with: npx postkeep user add <login>\n',
  });
});

test('the config comes from POSTKEEP_CONFIG; a missing or wrong one is one line', async () => {
  const { dir, config } = setup();
  const viaEnv = await runCli(['user', 'add', 'dave', '--password-stdin'], 'pw\n', { ...process.env, POSTKEEP_CONFIG: config });
  assert.equal(viaEnv.code, 0);
  assert.equal((await runCli(['--config', config, 'user', 'list'])).stdout, 'dave\n');

  const missing = join(dir, 'nope.toml');
  assert.deepEqual(await runCli(['--config', missing, 'user', 'list']), {
    code: 1,
    stdout: '',
    stderr: `postkeep: Config file ${missing} does not exist\n`,
  });
  writeFileSync(config, '[imap]\nlisen = []\n');
  assert.deepEqual(await runCli(['--config', config, 'user', 'list']), {
    code: 1,
    stdout: '',
    stderr: `postkeep: Unknown key imap.lisen in ${config}; allowed: listen, listen_tls, plaintext_auth, admins, limits\n`,
  });
});
