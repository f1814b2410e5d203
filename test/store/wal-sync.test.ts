// The group commit's WAL sync (src/store/sqlite/wal-sync.ts): one descriptor kept open across syncs,
// a failed open retried by the next sync, the descriptor closed by close() after the syncs under way.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { WalSync } from '../../src/store/sqlite/wal-sync.js';

/** Open descriptors of this process (Linux). */
function openFds(): number {
  return readdirSync('/proc/self/fd').length;
}

test('WalSync keeps one descriptor across syncs, retries a failed open, and closes it', { skip: process.platform !== 'linux' ? 'reads /proc/self/fd' : false }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'postkeep-walsync-'));
  const wal = join(dir, 'db.sqlite-wal');
  const walSync = new WalSync(wal);
  try {
    await assert.rejects(walSync.sync(), { code: 'ENOENT' });
    writeFileSync(wal, 'frames');
    const before = openFds();
    await walSync.sync(); // the failed open was not remembered
    assert.equal(openFds(), before + 1);
    await walSync.sync();
    await walSync.sync();
    assert.equal(openFds(), before + 1, 'the same descriptor every time');
    const syncing = walSync.sync();
    await walSync.close(); // waits for the sync under way before closing the descriptor
    await syncing;
    assert.equal(openFds(), before);
    await walSync.close(); // twice is fine
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
