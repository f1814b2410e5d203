// The server's V8 flags (src/cli/node-flags.ts) are spelled out wherever it is launched; these
// tests keep every launcher in step with the list and show that this Node honours the flags.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SERVER_NODE_FLAGS } from '../../src/cli/node-flags.js';
import { repoRoot } from '../helpers/fixtures.js';
import { MAIN } from './run.js';

const root = repoRoot();

function assertHasFlags(where: string, text: string): void {
  for (const flag of SERVER_NODE_FLAGS) assert.ok(text.includes(` ${flag} `), `${where} lacks ${flag}: ${text}`);
}

test('the shebang of the source and of the compiled command pass the server flags', () => {
  for (const file of [join(root, 'src/cli/main.ts'), MAIN]) {
    const shebang = readFileSync(file, 'utf8').split('\n')[0] ?? '';
    // env -S splits the rest of the line into arguments (a plain shebang passes it as one).
    assert.match(shebang, /^#!\/usr\/bin\/env -S node /, file);
    assertHasFlags(file, `${shebang} `);
  }
});

test('npm start and the README systemd unit pass the server flags', () => {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
  assertHasFlags('npm start', pkg.scripts['start'] ?? '');
  const execStart = /^ExecStart=.*$/m.exec(readFileSync(join(root, 'README.md'), 'utf8'))?.[0] ?? '';
  assertHasFlags('the README ExecStart', execStart);
});

function newSpaceBytes(flags: readonly string[]): number {
  const script = "const s = require('v8').getHeapSpaceStatistics().find((x) => x.space_name === 'new_space'); console.log(s.space_size)";
  const r = spawnSync(process.execPath, [...flags, '-e', script], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return Number(r.stdout.trim());
}

test('this Node starts the young generation at 16 MiB with the flags, smaller without', () => {
  assert.ok(newSpaceBytes(SERVER_NODE_FLAGS) >= 16 * 1024 * 1024);
  assert.ok(newSpaceBytes([]) < 16 * 1024 * 1024);
});

test('the command starts with the flags', () => {
  const r = spawnSync(process.execPath, [...SERVER_NODE_FLAGS, MAIN, '--help'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /Usage: postkeep/);
});
