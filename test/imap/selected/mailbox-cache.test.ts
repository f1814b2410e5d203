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

test('apply: keywords and first unseen carried over equal a full pass, through random changes', () => {
  let seed = 12345;
  const random = (n: number): number => {
    seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
    return Math.floor((seed / 2 ** 32) * n);
  };
  const flagChoices = [[], ['\\Seen'], ['\\Seen', '$Work'], ['$work'], ['\\Flagged'], ['\\Seen', '\\Answered'], ['$Other'], ['\\Deleted'], ['\\Seen', '\\Deleted']];
  const truth = new Map<number, MessageMeta>();
  let modseq = 1;
  let nextUid = 1;
  for (let i = 0; i < 30; i++, nextUid++) truth.set(nextUid, meta(nextUid, ++modseq, i < 10 ? ['\\Seen'] : []));
  let snap = MailboxSnapshot.fromList(7, modseq, [...truth.values()]);
  for (let step = 0; step < 400; step++) {
    const since = modseq;
    const expunged: number[] = [];
    for (let k = random(4); k >= 0; k--) {
      const op = random(10);
      const uids = [...truth.keys()];
      if (op < 6 && uids.length > 0) {
        const uid = uids[random(uids.length)] as number;
        truth.set(uid, meta(uid, ++modseq, flagChoices[random(flagChoices.length)] as string[]));
      } else if (op < 8) {
        truth.set(nextUid, meta(nextUid, ++modseq, flagChoices[random(flagChoices.length)] as string[]));
        nextUid++;
      } else if (uids.length > 0) {
        const uid = uids[random(uids.length)] as number;
        truth.delete(uid);
        expunged.push(uid);
        ++modseq;
      }
    }
    const changed = [...truth.values()].filter((m) => m.modseq > since).sort((a, b) => a.uid - b.uid);
    snap = snap.apply({ highestModseq: modseq, expunged: expunged.sort((a, b) => a - b), changed });
    const list = [...truth.values()].sort((a, b) => a.uid - b.uid);
    const fresh = MailboxSnapshot.fromList(7, modseq, list);
    assert.deepEqual([...snap.uids], [...fresh.uids], `step ${step}`);
    assert.deepEqual(snap.metas, fresh.metas, `step ${step}`);
    // Asked only now and then, so that both computed and not yet computed values are carried.
    if (random(3) === 0) assert.deepEqual(snap.keywords(), fresh.keywords(), `step ${step}`);
    if (random(3) === 0) assert.equal(snap.firstUnseen(), fresh.firstUnseen(), `step ${step}`);
    if (random(3) === 0) assert.deepEqual([...snap.uidsInState('deleted')], [...fresh.uidsInState('deleted')], `step ${step}`);
    if (random(3) === 0) assert.deepEqual([...snap.uidsInState('unseen')], [...fresh.uidsInState('unseen')], `step ${step}`);
  }
});

test('apply: a flag change is not a pass over the mailbox (arrays shared, SELECT data carried)', () => {
  let flagReads = 0;
  const counted = (uid: number, flags: string[]): MessageMeta => {
    const m = meta(uid, 2, []);
    Object.defineProperty(m, 'flags', { get: () => (flagReads++, flags) });
    return m;
  };
  const list = Array.from({ length: 1000 }, (_, i) => counted(i + 1, i < 500 ? ['\\Seen'] : ['$Work']));
  const snap = MailboxSnapshot.fromList(7, 10, list);
  assert.deepEqual(snap.keywords(), ['$Work']);
  assert.equal(snap.firstUnseen(), 500);
  flagReads = 0;
  const next = snap.apply({ highestModseq: 11, expunged: [], changed: [meta(3, 11, ['\\Seen', '\\Flagged'])] });
  assert.equal(next.uids, snap.uids);
  assert.deepEqual(next.keywords(), ['$Work']);
  assert.equal(next.firstUnseen(), 500);
  assert.ok(flagReads < 20, `${flagReads} flag reads`);
  assert.deepEqual([...next.uidsInState('deleted')], []);
  assert.deepEqual(next.uidsInState('unseen').length, 500);
  flagReads = 0;
  const deleted = next.apply({ highestModseq: 12, expunged: [], changed: [meta(9, 12, ['\\Deleted'])] });
  assert.deepEqual([...deleted.uidsInState('deleted')], [9]);
  assert.deepEqual(deleted.uidsInState('unseen').length, 501); // 9 lost its \Seen
  assert.ok(flagReads < 20, `${flagReads} flag reads`);
  const unseen = next.apply({ highestModseq: 12, expunged: [], changed: [meta(7, 12, [])] });
  assert.equal(unseen.firstUnseen(), 6);
  assert.ok(flagReads < 40, `${flagReads} flag reads`);
});
