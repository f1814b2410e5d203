// The shared per-mailbox snapshot (src/imap/mailbox-cache.ts): copy-on-write merge of store changes,
// and the cache bringing a snapshot forward instead of re-reading the mailbox.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MailboxCache, MailboxSnapshot } from '../../../src/imap/mailbox-cache.js';
import type { Mailbox, MailboxChanges, MessageMeta, Store } from '../../../src/store/types.js';

function meta(uid: number, modseq: number, flags: string[] = []): MessageMeta {
  return { uid, modseq, flags, internalDate: 0, saveDate: 0, size: 1, blobId: 'b', emailId: 'e', threadId: '' };
}

test('apply: expunges, flag changes and new messages merge in UID order; the old snapshot is untouched', () => {
  const before = MailboxSnapshot.fromList(7, 10, [meta(1, 2), meta(2, 3), meta(3, 4, ['$x'])]);
  const after = before.apply({ highestModseq: 12, expunged: [2], changed: [meta(3, 11, ['\\Seen']), meta(5, 12)] });
  assert.deepEqual([...after.uids], [1, 3, 5]);
  assert.deepEqual(after.meta(3)?.flags, ['\\Seen']);
  assert.equal(after.modseq, 12);
  assert.deepEqual([...before.uids], [1, 2, 3]);
  assert.deepEqual(before.keywords(), ['$x']);
  assert.deepEqual(after.keywords(), []);
  assert.equal(after.firstUnseen(), 0);
  assert.equal(before.apply({ highestModseq: 10, expunged: [], changed: [] }), before);
});

test('apply: a change older than what a conservative snapshot holds does not go back in time', () => {
  const snap = MailboxSnapshot.fromList(7, 5, [meta(1, 8, ['\\Seen'])]);
  const next = snap.apply({ highestModseq: 8, expunged: [], changed: [meta(1, 6, [])] });
  assert.deepEqual(next.meta(1)?.flags, ['\\Seen']);
});

test('cache: one full read, then only changesSince; a new UIDVALIDITY reads again', async () => {
  let lists = 0;
  const since: number[] = [];
  const store = {
    async listMessages(): Promise<MessageMeta[]> {
      lists++;
      return [meta(1, 2)];
    },
    async changesSince(_id: number, modseq: number): Promise<MailboxChanges> {
      since.push(modseq);
      return { highestModseq: 3, expunged: [], changed: [meta(2, 3)] };
    },
  } as unknown as Store;
  const box: Mailbox = { id: 1, accountId: 1, name: 'INBOX', uidValidity: 7, uidNext: 3, highestModseq: 2, specialUse: null, mailboxId: 'm' };
  const cache = new MailboxCache(store);
  assert.deepEqual([...(await cache.snapshot(box)).uids], [1]);
  assert.deepEqual([...(await cache.snapshot(box)).uids], [1]);
  assert.deepEqual([...(await cache.snapshot({ ...box, highestModseq: 3 })).uids], [1, 2]);
  assert.deepEqual(since, [2]);
  assert.equal(lists, 1);
  await cache.snapshot({ ...box, uidValidity: 8 });
  assert.equal(lists, 2);
});
