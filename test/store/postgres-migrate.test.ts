// postkeep migrate: an embedded installation seeded through the Store API (flags, dates, copies,
// expunges, quotas, annotations, subscriptions, \Recent claims) comes out of PostgreSQL identical,
// and goes on from there (UIDs, UIDVALIDITY, ids continue above the copied ones).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { migrateSqliteToPostgres } from '../../src/store/postgres/from-sqlite.js';
import { openPostgresStore } from '../../src/store/postgres/index.js';
import { BODY_TEXT_INLINE_MAX } from '../../src/store/sqlite/body-text.js';
import { openSqliteStore } from '../../src/store/sqlite/index.js';
import { INLINE_BLOB_MAX_BYTES } from '../../src/store/sqlite/inline-blobs.js';
import type { Store } from '../../src/store/types.js';
import { metaFields } from './conformance-helpers.js';
import { fakeAnalyze, makeMessage } from './fake-analyzer.js';
import { createTestDatabase, pgSkipReason } from './postgres-helpers.js';

const skip = await pgSkipReason();

async function seed(store: Store): Promise<void> {
  const alice = await store.createAccount('alice', '$scrypt$alice-hash');
  const bob = await store.createAccount('bob', '$scrypt$bob-hash');
  await store.setQuota(alice.id, { storage: 10_000_000, messages: 500 });
  const gone = await store.createMailbox(alice.id, 'Gone');
  await store.deleteMailbox(alice.id, gone.name); // UIDVALIDITY must stay unique after the move
  const inbox = await store.getMailbox(alice.id, 'INBOX');
  const work = await store.createMailbox(alice.id, 'Work/Projects');
  assert.ok(inbox);
  for (let i = 0; i < 8; i++) {
    await store.appendMessage(inbox.id, { bytes: makeMessage({ subject: `s${i}`, body: `body ${i} ` + 'x'.repeat(i * 1000) + '\r\n' }), flags: i % 2 ? ['\\Seen', '$Label'] : [], internalDate: 1_600_000_000_000 + i });
  }
  await store.claimRecent(inbox.id);
  await store.appendMessage(inbox.id, { bytes: makeMessage({ subject: 'recent' }), flags: [] });
  await store.copyMessages(inbox.id, [1, 2, 3], work.id);
  await store.storeFlags(inbox.id, [2, 4, 6], 'add', ['\\Deleted']);
  await store.expunge(inbox.id);
  await store.storeFlags(inbox.id, [1], 'add', ['\\Flagged', 'Important']);
  await store.moveMessages(work.id, [2], inbox.id);
  // A body text too long for the SQLite row (body-text.ts): the migration extracts it from the file.
  const long = makeMessage({ subject: 'long', body: 'long text '.repeat(4000) + '\r\n' });
  assert.ok(fakeAnalyze(long).bodyText.length > BODY_TEXT_INLINE_MAX);
  await store.appendMessage(inbox.id, { bytes: long, flags: [] });
  // Above the SQLite store's inline limit (inline-blobs.ts): a file; the messages above are in rows.
  const big = makeMessage({ subject: 'big', body: 'big '.repeat(INLINE_BLOB_MAX_BYTES / 4) + '\r\n' });
  assert.ok(big.length > INLINE_BLOB_MAX_BYTES);
  await store.appendMessage(inbox.id, { bytes: big, flags: [] });
  await store.setSubscribed(alice.id, 'Work/Projects', true);
  await store.setSubscribed(alice.id, 'NotThere', true);
  await store.setSubscribed(alice.id, 'Junk', false);
  await store.setMetadata(alice.id, null, [{ name: '/private/comment', value: Buffer.from('server note') }], 10);
  await store.setMetadata(alice.id, work.id, [{ name: '/shared/vendor/x/bin', value: Buffer.from([0, 1, 255]) }], 10);
  const bobInbox = await store.getMailbox(bob.id, 'inbox');
  assert.ok(bobInbox);
  await store.appendMessage(bobInbox.id, { bytes: makeMessage(), flags: ['\\Answered'] });
}

/** Everything a client or an administrator can see, in one comparable value. */
async function snapshot(store: Store): Promise<unknown> {
  const out: unknown[] = [];
  for (const account of await store.listAccounts()) {
    const withHash = await store.findAccount(account.login);
    const boxes = [];
    for (const box of await store.listMailboxes(account.id)) {
      const messages = (await store.listMessages(box.id)).map(metaFields);
      const summaries = await store.getSummaries(box.id, messages.map((m) => m.uid));
      const bytes = await Promise.all(messages.map((m) => store.readMessage(m.blobId)));
      const texts = await Promise.all(messages.map((m) => store.getBodyText(m.blobId)));
      boxes.push({
        box,
        status: await store.mailboxStatus(box.id),
        messages,
        summaries: [...summaries],
        bytes: bytes.map((b) => b.toString('base64')),
        texts,
        changes: await store.changesSince(box.id, 0),
        metadata: await store.getMetadata(account.id, box.id, ['/private', '/shared'], 'infinity'),
      });
    }
    out.push({
      account: withHash,
      quota: await store.getQuota(account.id),
      subscriptions: await store.listSubscriptions(account.id),
      metadata: await store.getMetadata(account.id, null, ['/private', '/shared'], 'infinity'),
      boxes,
    });
  }
  return out;
}

describe('postkeep migrate (sqlite -> postgres)', { skip: skip ?? false }, () => {
  test('round trip: everything identical, and the PostgreSQL store carries on from there', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'postkeep-migrate-'));
    const db = await createTestDatabase();
    try {
      const sqlite = await openSqliteStore({ dataDir: dir, analyze: fakeAnalyze, fsync: false });
      await seed(sqlite);
      const files = (await sqlite.blobs.listFiles()).blobs.length;
      assert.equal(files, 1, 'the big message in a file, the others in rows');
      const before = await snapshot(sqlite);
      const maxUidValidity = Math.max(...(await Promise.all((await sqlite.listAccounts()).map((a) => sqlite.listMailboxes(a.id)))).flat().map((b) => b.uidValidity));
      await sqlite.close();

      const progress: number[] = [];
      const summary = await migrateSqliteToPostgres({ dataDir: dir, url: db.url, analyze: fakeAnalyze, progress: (done) => progress.push(done) });
      assert.equal(summary.accounts, 2);
      assert.ok(summary.messages > 0 && summary.expunged === 4, JSON.stringify(summary));
      assert.equal(progress.at(-1), summary.blobs);

      const pg = await openPostgresStore({ url: db.url, analyze: fakeAnalyze, poolSize: 2 });
      try {
        assert.deepEqual(await snapshot(pg), before);
        // A second migration into the now non-empty database is refused and changes nothing.
        await assert.rejects(migrateSqliteToPostgres({ dataDir: dir, url: db.url, analyze: fakeAnalyze }), /already has 2 account/);
        // It carries on: UIDs above the old ones, a fresh UIDVALIDITY, new ids above the copied.
        const alice = await pg.findAccount('alice');
        assert.ok(alice);
        const inbox = await pg.getMailbox(alice.id, 'INBOX');
        assert.ok(inbox);
        assert.equal((await pg.appendMessage(inbox.id, { bytes: makeMessage(), flags: [] })).uid, inbox.uidNext);
        const created = await pg.createMailbox(alice.id, 'After');
        assert.ok(created.uidValidity > maxUidValidity);
        const carol = await pg.createAccount('carol', 'h');
        assert.ok(carol.id > alice.id);
      } finally {
        await pg.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
      await db.drop();
    }
  });
});
