// Group commit in the SQLite store (src/store/sqlite/group-commit.ts): appends ready together share
// one transaction, yet each gets its own UID and its own outcome.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { openSqliteStore } from '../../src/store/sqlite/index.js';
import { GroupCommit, MAX_BATCH } from '../../src/store/sqlite/group-commit.js';
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

/** A GroupCommit over counters: commits (outer writes), savepoints, and syncs the test releases. */
function harness(): {
  group: GroupCommit;
  commits: number[];
  syncs: Array<{ resolve: () => void; reject: (err: Error) => void }>;
} {
  const commits: number[] = [];
  const syncs: Array<{ resolve: () => void; reject: (err: Error) => void }> = [];
  let depth = 0;
  let items = 0;
  const nested = <T>(fn: () => T): T => {
    depth++;
    try {
      return fn();
    } finally {
      depth--;
    }
  };
  const group = new GroupCommit({
    write: <T>(fn: () => T): T => {
      assert.equal(depth, 1, 'items run inside the batch transaction');
      items++;
      return nested(fn);
    },
    commit: <T>(fn: () => T): T => {
      assert.equal(depth, 0);
      items = 0;
      const value = nested(fn);
      commits.push(items);
      return value;
    },
    sync: () => new Promise<void>((resolve, reject) => syncs.push({ resolve, reject })),
  });
  return { group, commits, syncs };
}

/** Lets setImmediate callbacks and settled promises run. */
const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

test('GroupCommit: one commit for a batch; a failing item does not stop the others; answers wait for the sync', async () => {
  const { group, commits, syncs } = harness();
  let answered = 0;
  const runs = [group.run(() => 1), group.run(() => { throw new Error('no'); }), group.run(() => 3)].map((p) => p.finally(() => answered++));
  await turn();
  assert.deepEqual(commits, [3]);
  assert.equal(syncs.length, 1);
  await turn();
  assert.equal(answered, 0, 'nobody is answered before the WAL fsync (rule 1)');
  syncs[0]?.resolve();
  const results = await Promise.allSettled(runs);
  assert.deepEqual(results.map((r) => r.status), ['fulfilled', 'rejected', 'fulfilled']);
});

test('GroupCommit: writes queued during a sync commit together after it; a failed sync fails its batch only', async () => {
  const { group, commits, syncs } = harness();
  const first = group.run(() => 'a');
  await turn();
  const later = [group.run(() => 'b'), group.run(() => 'c')];
  await turn();
  assert.deepEqual(commits, [1], 'no second commit while the first sync runs');
  syncs[0]?.reject(new Error('EIO'));
  await assert.rejects(first, /EIO/);
  await turn();
  assert.deepEqual(commits, [1, 2]);
  syncs[1]?.resolve();
  assert.deepEqual(await Promise.all(later), ['b', 'c']);
});

test('GroupCommit: at most MAX_BATCH writes share one commit', async () => {
  const { group, commits, syncs } = harness();
  const runs = Array.from({ length: MAX_BATCH + 1 }, (_, i) => group.run(() => i));
  await turn();
  assert.deepEqual(commits, [MAX_BATCH]);
  syncs[0]?.resolve();
  await turn();
  await turn();
  assert.deepEqual(commits, [MAX_BATCH, 1]);
  syncs[1]?.resolve();
  assert.equal((await Promise.all(runs)).length, MAX_BATCH + 1);
});
