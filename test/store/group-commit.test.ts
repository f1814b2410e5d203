// Group commit in the SQLite store (src/store/sqlite/group-commit.ts): appends ready together share
// one transaction, yet each gets its own UID and its own outcome.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { openSqliteStore } from '../../src/store/sqlite/index.js';
import { GroupCommit } from '../../src/store/sqlite/group-commit.js';
import { fakeAnalyze, makeMessage } from './fake-analyzer.js';

test('concurrent appends: distinct ascending UIDs, all listed; a refused one (quota) fails alone', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'postkeep-group-'));
  const store = await openSqliteStore({ dataDir: dir, analyze: fakeAnalyze, fsync: false });
  try {
    const account = await store.createAccount('alice', 'h');
    const box = await store.getMailbox(account.id, 'INBOX');
    assert.ok(box);
    await store.setQuota(account.id, { messages: 8 });
    const outcomes = await Promise.allSettled(
      Array.from({ length: 10 }, (_, i) => store.appendMessage(box.id, { bytes: makeMessage({ subject: `m${i}` }), flags: [], enforceQuota: true })),
    );
    const ok = outcomes.filter((o) => o.status === 'fulfilled').map((o) => (o as PromiseFulfilledResult<{ uid: number }>).value.uid);
    assert.equal(ok.length, 8);
    assert.equal(new Set(ok).size, 8);
    assert.deepEqual(
      (await store.listMessages(box.id)).map((m) => m.uid),
      [...ok].sort((a, b) => a - b),
    );
    for (const o of outcomes) if (o.status === 'rejected') assert.match(String((o.reason as Error).message), /quota/i);
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('GroupCommit: one outer write for a batch; a failing item does not stop the others', async () => {
  let depth = 0;
  let outer = 0;
  const group = new GroupCommit(<T>(fn: () => T): T => {
    if (depth === 0) outer++;
    depth++;
    try {
      return fn();
    } finally {
      depth--;
    }
  });
  const results = await Promise.allSettled([group.run(() => 1), group.run(() => { throw new Error('no'); }), group.run(() => 3)]);
  assert.equal(outer, 1);
  assert.deepEqual(results.map((r) => r.status), ['fulfilled', 'rejected', 'fulfilled']);
});
