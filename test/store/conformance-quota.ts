// Conformance: quotas (limits, usage kept right by every mutation, enforcement on request).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { OpenStore } from './conformance.js';
import { appendN, inbox, rejectsWith, uidsOf, withStore } from './conformance-helpers.js';
import { makeMessage } from './fake-analyzer.js';

export function quotaConformance(open: OpenStore): void {
  describe('quota', () => {
    test('a new account is unlimited and empty; setQuota sets, keeps and removes limits', () =>
      withStore(open, async (store, account) => {
        assert.deepEqual(await store.getQuota(account.id), { storageLimit: null, messageLimit: null, storageUsed: 0, messagesUsed: 0 });
        await store.setQuota(account.id, { storage: 1000 });
        await store.setQuota(account.id, { messages: 5 });
        assert.deepEqual(await store.getQuota(account.id), { storageLimit: 1000, messageLimit: 5, storageUsed: 0, messagesUsed: 0 });
        await store.setQuota(account.id, { storage: null });
        assert.equal((await store.getQuota(account.id)).storageLimit, null);
        assert.equal((await store.getQuota(account.id)).messageLimit, 5);
        await rejectsWith(store.setQuota(account.id, { storage: -1 }), 'CANNOT');
        await rejectsWith(store.setQuota(account.id, { messages: 1.5 }), 'CANNOT');
        await rejectsWith(store.getQuota(999999), 'NONEXISTENT');
        await rejectsWith(store.setQuota(999999, { storage: 1 }), 'NONEXISTENT');
      }));

    test('usage follows append, copy, move, expunge, delete and rename of INBOX, across mailboxes', () =>
      withStore(open, async (store, account) => {
        const box = await inbox(store, account);
        const other = await store.createMailbox(account.id, 'Other');
        const bytes = [makeMessage(), makeMessage(), makeMessage()];
        for (const b of bytes) await store.appendMessage(box.id, { bytes: b, flags: [] });
        const total = bytes.reduce((n, b) => n + b.length, 0);
        const usage = async () => {
          const q = await store.getQuota(account.id);
          return [q.storageUsed, q.messagesUsed];
        };
        assert.deepEqual(await usage(), [total, 3]);
        await store.copyMessages(box.id, [1], other.id); // a copy counts again (RFC 9208)
        assert.deepEqual(await usage(), [total + (bytes[0]?.length ?? 0), 4]);
        await store.moveMessages(box.id, [2], other.id);
        assert.deepEqual(await usage(), [total + (bytes[0]?.length ?? 0), 4]);
        await store.storeFlags(box.id, [1], 'add', ['\\Deleted']);
        await store.expunge(box.id);
        assert.deepEqual(await usage(), [total, 3]);
        await store.renameMailbox(account.id, 'INBOX', 'Old');
        assert.deepEqual(await usage(), [total, 3]);
        await store.deleteMailbox(account.id, 'Other');
        assert.deepEqual(await usage(), [bytes[2]?.length ?? 0, 1]);
        const stranger = await store.createAccount(`stranger${Date.now()}`, 'h');
        await appendN(store, (await inbox(store, stranger)).id, 2);
        assert.deepEqual(await usage(), [bytes[2]?.length ?? 0, 1], 'another account does not count');
      }));

    test('copyMessages with enforceQuota checks the copies in its transaction: past a limit none is copied', () =>
      withStore(open, async (store, account) => {
        const box = await inbox(store, account);
        const other = await store.createMailbox(account.id, 'Other');
        await appendN(store, box.id, 2);
        const size = (await store.getQuota(account.id)).storageUsed;
        await store.setQuota(account.id, { messages: 3 });
        await rejectsWith(store.copyMessages(box.id, [1, 2], other.id, { enforceQuota: true }), 'OVERQUOTA');
        assert.deepEqual(await uidsOf(store, other.id), []);
        assert.equal((await store.getMailboxById(other.id))?.uidNext, 1);
        assert.equal((await store.copyMessages(box.id, [1], other.id, { enforceQuota: true })).mapping.length, 1);
        await store.setQuota(account.id, { messages: null, storage: size * 2 - 1 });
        await rejectsWith(store.copyMessages(box.id, [2], other.id, { enforceQuota: true }), 'OVERQUOTA');
        // Without enforceQuota (e.g. an administrator's tool) the copy goes past the limit.
        assert.equal((await store.copyMessages(box.id, [2], other.id)).mapping.length, 1);
        assert.deepEqual(await uidsOf(store, other.id), [1, 2]);
      }));

    test('enforceQuota refuses an append past a limit with OVERQUOTA; without it the append goes in', () =>
      withStore(open, async (store, account) => {
        const box = await inbox(store, account);
        const first = makeMessage();
        await store.setQuota(account.id, { storage: first.length * 2 + 10, messages: 3 });
        await store.appendMessage(box.id, { bytes: first, flags: [], enforceQuota: true });
        await store.appendMessage(box.id, { bytes: makeMessage(), flags: [], enforceQuota: true });
        await rejectsWith(store.appendMessage(box.id, { bytes: makeMessage({ body: 'x'.repeat(50) }), flags: [], enforceQuota: true }), 'OVERQUOTA');
        assert.equal((await store.getQuota(account.id)).messagesUsed, 2, 'nothing added by the refused append');
        await store.setQuota(account.id, { storage: null });
        await store.appendMessage(box.id, { bytes: makeMessage(), flags: [], enforceQuota: true });
        await rejectsWith(store.appendMessage(box.id, { bytes: makeMessage(), flags: [], enforceQuota: true }), 'OVERQUOTA');
        await store.appendMessage(box.id, { bytes: makeMessage(), flags: [] });
        assert.equal((await store.getQuota(account.id)).messagesUsed, 4);
      }));

    test('parallel appends with enforceQuota never pass the limit together', () =>
      withStore(open, async (store, account) => {
        const box = await inbox(store, account);
        await store.setQuota(account.id, { messages: 3 });
        const results = await Promise.allSettled(
          Array.from({ length: 8 }, () => store.appendMessage(box.id, { bytes: makeMessage(), flags: [], enforceQuota: true })),
        );
        assert.equal(results.filter((r) => r.status === 'fulfilled').length, 3);
        assert.equal((await store.getQuota(account.id)).messagesUsed, 3);
      }));
  });
}
