// listMessages of the SQLite store reads a mailbox in pages of 20,000 rows (messages.ts LIST_PAGE):
// a mailbox just over two pages, with UIDs missing at the page boundaries, comes back whole, in
// order, each message once.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { openSqliteStore } from '../../src/store/sqlite/index.js';
import { fakeAnalyze, makeMessage } from './fake-analyzer.js';

test('listMessages: 40,010 messages, gaps at the page boundaries, every one once and in UID order', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'postkeep-pages-'));
  const store = await openSqliteStore({ dataDir, analyze: fakeAnalyze, fsync: false });
  try {
    const account = await store.createAccount('paula', 'h');
    const inbox = await store.getMailbox(account.id, 'INBOX');
    assert.ok(inbox);
    const bytes = makeMessage({ subject: 'same' });
    for (let done = 0; done < 40_010; done += 1000) {
      await store.appendMessages(inbox.id, Array.from({ length: 1000 }, () => ({ bytes, flags: ['\\Deleted'] })).slice(0, Math.min(1000, 40_010 - done)));
    }
    // Gone around the page boundaries (rows 20,000 and 40,000 before the expunge).
    const gone = [19_999, 20_000, 20_001, 40_001];
    await store.expunge(inbox.id, gone);
    const list = await store.listMessages(inbox.id);
    assert.equal(list.length, 40_010 - gone.length);
    let previous = 0;
    for (const meta of list) {
      assert.ok(meta.uid > previous, `UID ${meta.uid} after ${previous}`);
      previous = meta.uid;
    }
    const uids = new Set(list.map((m) => m.uid));
    for (const uid of gone) assert.equal(uids.has(uid), false);
    assert.equal(uids.has(20_002), true);
    assert.equal(uids.has(40_010), true);
  } finally {
    await store.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
});
