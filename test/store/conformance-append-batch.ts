// Conformance: appendMessages (MULTIAPPEND, RFC 3502): all or nothing, consecutive UIDs, one MODSEQ,
// the quota checked for the whole batch.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { OpenStore } from './conformance.js';
import { appendN, inbox, rejectsWith, uidsOf, withStore } from './conformance-helpers.js';
import { makeMessage } from './fake-analyzer.js';

export function appendBatchConformance(open: OpenStore): void {
  describe('appendMessages (MULTIAPPEND)', () => {
    test('adds every message in input order with consecutive UIDs, flags and dates, under one MODSEQ', () =>
      withStore(open, async (store, account) => {
        const box = await inbox(store, account);
        await appendN(store, box.id, 1);
        const events: Array<[number, number]> = [];
        const off = store.onChange((id, modseq) => events.push([id, modseq]));
        const same = makeMessage();
        const inputs = [
          { bytes: makeMessage(), flags: ['\\Seen'], internalDate: Date.UTC(2020, 0, 1) },
          { bytes: same, flags: ['$Label'] },
          { bytes: same, flags: [] }, // the same bytes twice: one blob, two references
        ];
        const results = await store.appendMessages(box.id, inputs);
        off();
        assert.deepEqual(results.map((r) => r.uid), [2, 3, 4]);
        assert.ok(results.every((r) => r.uidValidity === box.uidValidity));
        assert.equal(new Set(results.map((r) => r.modseq)).size, 1, 'one MODSEQ for the batch');
        const metas = await store.listMessages(box.id);
        assert.deepEqual(metas.map((m) => m.uid), [1, 2, 3, 4]);
        assert.deepEqual(metas[1]?.flags, ['\\Seen']);
        assert.equal(metas[1]?.internalDate, Date.UTC(2020, 0, 1));
        assert.deepEqual(metas[2]?.flags, ['$Label']);
        assert.equal(metas[2]?.blobId, metas[3]?.blobId);
        assert.equal((await store.getMailboxById(box.id))?.uidNext, 5);
        assert.ok(events.some(([id, modseq]) => id === box.id && modseq === results[0]?.modseq), 'one change event');
        // Expunging one of the two copies keeps the bytes of the other.
        await store.storeFlags(box.id, [3], 'add', ['\\Deleted']);
        await store.expunge(box.id);
        assert.deepEqual(await store.readMessage(metas[3]?.blobId ?? ''), same);
        assert.deepEqual(await store.appendMessages(box.id, []), []);
      }));

    test('one bad message keeps none: nothing added, UIDNEXT and usage unchanged', () =>
      withStore(open, async (store, account) => {
        const box = await inbox(store, account);
        const before = await store.getMailboxById(box.id);
        const inputs = [{ bytes: makeMessage(), flags: [] }, { bytes: makeMessage(), flags: [], internalDate: Number.NaN }];
        await rejectsWith(store.appendMessages(box.id, inputs), 'CANNOT');
        assert.deepEqual(await uidsOf(store, box.id), []);
        assert.deepEqual(await store.getMailboxById(box.id), before);
        assert.deepEqual((await store.getQuota(account.id)).messagesUsed, 0);
        await rejectsWith(store.appendMessages(999999, [{ bytes: makeMessage(), flags: [] }]), 'NONEXISTENT');
        // The same bytes append fine afterwards (no half-made blob left in the way).
        assert.equal((await store.appendMessages(box.id, inputs.slice(0, 1)))[0]?.uid, before?.uidNext);
      }));

    test('the quota is checked for the whole batch: past a limit none goes in (OVERQUOTA)', () =>
      withStore(open, async (store, account) => {
        const box = await inbox(store, account);
        const a = makeMessage();
        const b = makeMessage();
        const c = makeMessage();
        await store.setQuota(account.id, { messages: 2 });
        await rejectsWith(store.appendMessages(box.id, [a, b, c].map((bytes) => ({ bytes, flags: [], enforceQuota: true }))), 'OVERQUOTA');
        assert.deepEqual(await uidsOf(store, box.id), []);
        await store.setQuota(account.id, { messages: null, storage: a.length + b.length });
        await rejectsWith(store.appendMessages(box.id, [a, b, c].map((bytes) => ({ bytes, flags: [], enforceQuota: true }))), 'OVERQUOTA');
        assert.deepEqual(await uidsOf(store, box.id), []);
        // Exactly at the limit is allowed (RFC 9208 §4.1); without enforceQuota nothing is checked.
        assert.equal((await store.appendMessages(box.id, [a, b].map((bytes) => ({ bytes, flags: [], enforceQuota: true })))).length, 2);
        assert.equal((await store.appendMessages(box.id, [{ bytes: c, flags: [] }])).length, 1);
        assert.deepEqual(await uidsOf(store, box.id), [1, 2, 3]);
      }));
  });
}
