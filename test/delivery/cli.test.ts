// `postkeep deliver` and `postkeep user quota` as an MTA and an operator run them: exit codes
// (sysexits.h), one-line stderr messages, what lands in the store.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseSize } from '../../src/cli/sizes.js';
import { analyzeMessage } from '../../src/mime/analyze.js';
import { openSqliteStore } from '../../src/store/sqlite/index.js';
import type { Store } from '../../src/store/types.js';
import { runCli } from '../cli/run.js';

function setup(extra = ''): { dir: string; config: string; dataDir: string } {
  const dir = mkdtempSync(join(tmpdir(), 'postkeep-deliver-cli-'));
  const config = join(dir, 'postkeep.toml');
  writeFileSync(config, `data_dir = "data"\n${extra}`);
  return { dir, config, dataDir: join(dir, 'data') };
}

async function withStore<T>(dataDir: string, work: (store: Store) => Promise<T>): Promise<T> {
  const store = await openSqliteStore({ dataDir, analyze: analyzeMessage, fsync: false });
  try {
    return await work(store);
  } finally {
    await store.close();
  }
}

async function stored(dataDir: string, login: string, mailbox: string): Promise<string[]> {
  return withStore(dataDir, async (store) => {
    const account = await store.findAccount(login);
    const box = account && (await store.getMailbox(account.id, mailbox));
    if (!box) return [];
    return Promise.all((await store.listMessages(box.id)).map(async (m) => (await store.readMessage(m.blobId)).toString('utf8')));
  });
}

test('postkeep deliver: exit codes and stored bytes', async () => {
  const { dir, config, dataDir } = setup('[lmtp]\nmax_message_bytes = 2048\nplus_to_mailbox = true\n');
  try {
    const cli = (args: string[], stdin: string) => runCli(['--config', config, 'deliver', ...args], stdin);
    await withStore(dataDir, async (store) => {
      const alice = await store.createAccount('alice', 'x');
      await store.createMailbox(alice.id, 'Lists');
    });
    const message = 'From: a@remote.test\nSubject: piped\n\nbody line\n';

    assert.deepEqual(await cli(['--user', 'alice', '--from', 's@remote.test'], message), { code: 0, stdout: '', stderr: '' });
    assert.deepEqual(await stored(dataDir, 'alice', 'INBOX'), [
      'Return-Path: <s@remote.test>\r\nDelivered-To: alice\r\nFrom: a@remote.test\r\nSubject: piped\r\n\r\nbody line\r\n',
    ]);
    assert.equal((await cli(['--user', 'alice', '--mailbox', 'Lists', '--recipient', 'alice@example.org'], message)).code, 0);
    assert.equal((await cli(['--user', 'alice+lists@example.org'], message)).code, 0);
    assert.equal((await cli(['--user', 'alice', '--mailbox', 'Nope'], message)).code, 0, 'a missing mailbox falls back to INBOX');
    const lists = await stored(dataDir, 'alice', 'Lists');
    assert.equal(lists.length, 2);
    assert.match(lists[0] ?? '', /^Delivered-To: alice@example\.org\r\nFrom:/);
    assert.equal((await stored(dataDir, 'alice', 'INBOX')).length, 2);

    assert.deepEqual(await cli(['--user', 'bob'], message), { code: 67, stdout: '', stderr: 'postkeep deliver: unknown user bob\n' });
    const big = await cli(['--user', 'alice'], message + 'x'.repeat(3000));
    assert.equal(big.code, 65);
    assert.match(big.stderr, /^postkeep deliver: message larger than the limit of 2048 bytes/);
    assert.equal((await cli(['--user', 'alice'], '')).code, 65);

    await withStore(dataDir, async (store) => store.setQuota((await store.findAccount('alice'))!.id, { messages: 4 }));
    const full = await cli(['--user', 'alice'], message);
    assert.equal(full.code, 75, full.stderr);
    assert.match(full.stderr, /^postkeep deliver: .*quota/);
    await withStore(dataDir, async (store) => store.setQuota((await store.findAccount('alice'))!.id, { messages: null, storage: 10 }));
    assert.equal((await cli(['--user', 'alice'], message)).code, 77, 'larger than the whole quota: permanent');

    const badConfig = await runCli(['--config', join(dir, 'missing.toml'), 'deliver', '--user', 'alice'], message);
    assert.equal(badConfig.code, 78);
    assert.equal(badConfig.stderr.split('\n').length, 2, 'one line');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('postkeep user quota: set, show, remove', async () => {
  const { dir, config, dataDir } = setup();
  try {
    const cli = (args: string[]) => runCli(['--config', config, 'user', 'quota', ...args]);
    await withStore(dataDir, (store) => store.createAccount('alice', 'x'));
    assert.deepEqual(await cli(['alice']), { code: 0, stdout: 'alice: storage 0 bytes of unlimited, messages 0 of unlimited\n', stderr: '' });
    assert.deepEqual(await cli(['alice', '2G', '--messages', '1000']), { code: 0, stdout: 'alice: storage 0 bytes of 2 GiB, messages 0 of 1000\n', stderr: '' });
    assert.deepEqual(await withStore(dataDir, async (store) => store.getQuota((await store.findAccount('alice'))!.id)), {
      storageLimit: 2 * 1024 ** 3,
      messageLimit: 1000,
      storageUsed: 0,
      messagesUsed: 0,
    });
    assert.equal((await cli(['alice', '500M'])).stdout, 'alice: storage 0 bytes of 500 MiB, messages 0 of 1000\n');
    assert.equal((await cli(['alice', 'none', '--messages', 'none'])).stdout, 'alice: storage 0 bytes of unlimited, messages 0 of unlimited\n');
    assert.deepEqual(await cli(['alice', 'lots']), { code: 1, stdout: '', stderr: 'postkeep: size: "lots" is not a size such as 2G, 500M or 1048576, or none\n' });
    assert.equal((await cli(['alice', '1G', '--messages', '-1'])).code, 1);
    assert.deepEqual(await cli(['bob', '1G']), { code: 1, stdout: '', stderr: 'postkeep: user bob does not exist\n' });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('parseSize', () => {
  const cases: Array<[string, number | null]> = [
    ['1048576', 1048576], ['2G', 2 * 1024 ** 3], ['500M', 500 * 1024 ** 2], ['64k', 65536], ['1.5G', 1.5 * 1024 ** 3],
    ['10MB', 10 * 1024 ** 2], ['3GiB', 3 * 1024 ** 3], ['0', 0], ['', null], ['-1', null], ['2X', null], ['G', null],
  ];
  for (const [text, bytes] of cases) assert.equal(parseSize(text), bytes, text);
});
