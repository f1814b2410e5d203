// Conformance: append, list, changes, summaries, bytes, change events, concurrency.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { OpenStore } from './conformance.js';
import { appendN, inbox, rejectsWith, uidsOf, withStore } from './conformance-helpers.js';
import { makeMessage } from './fake-analyzer.js';

async function collect(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string));
  return Buffer.concat(chunks);
}

export function messageConformance(open: OpenStore): void {
  describe('messages', () => {
    test('append: ascending UIDs, increasing MODSEQ, metadata as given', () =>
      withStore(open, async (store, account) => {
        const box = await inbox(store, account);
        const bytes = makeMessage();
        const first = await store.appendMessage(box.id, { bytes, flags: ['\\seen', '$Label1', '$label1', '\\Recent'], internalDate: 1_700_000_000_000 });
        assert.equal(first.uid, 1);
        assert.equal(first.uidValidity, box.uidValidity);
        assert.ok(first.modseq > box.highestModseq);
        const second = await store.appendMessage(box.id, { bytes: makeMessage(), flags: [] });
        assert.equal(second.uid, 2);
        assert.ok(second.modseq > first.modseq);
        const [meta] = await store.listMessages(box.id);
        assert.ok(meta);
        assert.deepEqual(meta.flags, ['\\Seen', '$Label1'], 'system flags canonical, keywords deduplicated, no \\Recent');
        assert.equal(meta.internalDate, 1_700_000_000_000);
        assert.ok(Math.abs(meta.saveDate - Date.now()) < 60_000);
        assert.equal(meta.size, bytes.length);
        assert.match(meta.blobId, /^[0-9a-f]{64}$/);
        assert.match(meta.emailId, /^[A-Za-z0-9_-]{1,255}$/);
        assert.match(meta.threadId, /^[A-Za-z0-9_-]{1,255}$/);
        const now = await store.getMailboxById(box.id);
        assert.equal(now?.uidNext, 3);
        assert.equal(now?.highestModseq, second.modseq);
        await rejectsWith(store.appendMessage(box.id, { bytes: makeMessage(), flags: ['bad keyword'] }), 'CANNOT');
        await rejectsWith(store.appendMessage(box.id, { bytes: makeMessage(), flags: ['\\Bogus'] }), 'CANNOT');
        await rejectsWith(store.appendMessage(999999, { bytes: makeMessage(), flags: [] }), 'NONEXISTENT');
        assert.deepEqual(await uidsOf(store, box.id), [1, 2], 'refused appends leave nothing');
      }));

    test('50 concurrent appends get 50 distinct ascending UIDs', () =>
      withStore(open, async (store, account) => {
        const box = await inbox(store, account);
        const results = await Promise.all(Array.from({ length: 50 }, () => store.appendMessage(box.id, { bytes: makeMessage(), flags: [] })));
        const uids = results.map((r) => r.uid).sort((a, b) => a - b);
        assert.deepEqual(uids, Array.from({ length: 50 }, (_, i) => i + 1));
        assert.equal(new Set(results.map((r) => r.modseq)).size, 50, 'each append its own MODSEQ');
        assert.deepEqual(await uidsOf(store, box.id), uids);
      }));

    test('readMessage and streamMessage return exact bytes and ranges', () =>
      withStore(open, async (store, account) => {
        const box = await inbox(store, account);
        const bytes = makeMessage({ body: 'x'.repeat(100_000) + '\r\n' });
        await store.appendMessage(box.id, { bytes, flags: [] });
        const [meta] = await store.listMessages(box.id);
        assert.ok(meta);
        assert.deepEqual(await store.readMessage(meta.blobId), bytes);
        assert.deepEqual(await store.readMessage(meta.blobId, 10, 20), bytes.subarray(10, 20));
        assert.deepEqual(await store.readMessage(meta.blobId, 50, 10_000_000), bytes.subarray(50));
        assert.equal((await store.readMessage(meta.blobId, 5, 5)).length, 0);
        assert.deepEqual(await collect(store.streamMessage(meta.blobId)), bytes);
        assert.deepEqual(await collect(store.streamMessage(meta.blobId, 7, 70_000)), bytes.subarray(7, 70_000));
        assert.equal((await collect(store.streamMessage(meta.blobId, 9, 9))).length, 0);
        await rejectsWith(store.readMessage('0'.repeat(64)), 'NONEXISTENT');
        await rejectsWith(store.readMessage('../../etc/passwd'), 'NONEXISTENT');
        await rejectsWith(collect(store.streamMessage('f'.repeat(64))), 'NONEXISTENT');
      }));

    test('getSummaries and getBodyText return what the analyzer produced', () =>
      withStore(open, async (store, account) => {
        const box = await inbox(store, account);
        await store.appendMessage(box.id, { bytes: makeMessage({ subject: 'first', body: 'hello world\r\n' }), flags: [] });
        await store.appendMessage(box.id, { bytes: makeMessage({ subject: 'second' }), flags: [] });
        const summaries = await store.getSummaries(box.id, [2, 1, 77]);
        assert.deepEqual([...summaries.keys()].sort(), [1, 2]);
        assert.equal(summaries.get(1)?.envelope.subject, 'first');
        assert.equal(summaries.get(2)?.envelope.subject, 'second');
        const [meta] = await store.listMessages(box.id);
        assert.ok(meta);
        assert.equal(await store.getBodyText(meta.blobId), 'hello world\r\n');
        await rejectsWith(store.getBodyText('0'.repeat(64)), 'NONEXISTENT');
      }));

    test('emailId is shared by copies; threadId follows the thread root', () =>
      withStore(open, async (store, account) => {
        const box = await inbox(store, account);
        await store.appendMessage(box.id, { bytes: makeMessage({ messageId: '<root@x>' }), flags: [] });
        await store.appendMessage(box.id, { bytes: makeMessage({ messageId: '<reply@x>', references: '<root@x>' }), flags: [] });
        await store.appendMessage(box.id, { bytes: makeMessage({ messageId: '<other@x>' }), flags: [] });
        const trash = await store.getMailbox(account.id, 'Trash');
        assert.ok(trash);
        await store.copyMessages(box.id, [1], trash.id);
        const [root, reply, other] = await store.listMessages(box.id);
        const [copy] = await store.listMessages(trash.id);
        assert.ok(root && reply && other && copy);
        assert.equal(copy.emailId, root.emailId);
        assert.notEqual(reply.emailId, root.emailId);
        assert.equal(reply.threadId, root.threadId);
        assert.notEqual(other.threadId, root.threadId);
      }));

    test('changesSince reports new, flag-changed and expunged messages', () =>
      withStore(open, async (store, account) => {
        const box = await inbox(store, account);
        await appendN(store, box.id, 4);
        const mark = (await store.getMailboxById(box.id))?.highestModseq ?? 0;
        assert.deepEqual(await store.changesSince(box.id, mark), { highestModseq: mark, expunged: [], changed: [] });
        await store.storeFlags(box.id, [2], 'add', ['\\Flagged']);
        await store.storeFlags(box.id, [3], 'add', ['\\Deleted']);
        await store.expunge(box.id);
        await appendN(store, box.id, 1);
        const changes = await store.changesSince(box.id, mark);
        assert.deepEqual(changes.changed.map((m) => m.uid), [2, 5]);
        assert.deepEqual(changes.changed[0]?.flags, ['\\Flagged']);
        assert.deepEqual(changes.expunged, [3]);
        assert.equal(changes.highestModseq, (await store.getMailboxById(box.id))?.highestModseq);
        assert.ok(changes.changed.every((m) => m.modseq > mark && m.modseq <= changes.highestModseq));
        const all = await store.changesSince(box.id, 0);
        assert.deepEqual(all.changed.map((m) => m.uid), [1, 2, 4, 5]);
        await rejectsWith(store.changesSince(999999, 0), 'NONEXISTENT');
      }));

    test('listMessages is ascending by UID', () =>
      withStore(open, async (store, account) => {
        const box = await inbox(store, account);
        await appendN(store, box.id, 5);
        await store.storeFlags(box.id, [1, 3], 'add', ['\\Deleted']);
        await store.expunge(box.id);
        assert.deepEqual(await uidsOf(store, box.id), [2, 4, 5]);
        await rejectsWith(store.listMessages(999999), 'NONEXISTENT');
      }));

    test('onChange fires after each committed change, and stops after unsubscribe', () =>
      withStore(open, async (store, account) => {
        const box = await inbox(store, account);
        const trash = await store.getMailbox(account.id, 'Trash');
        assert.ok(trash);
        const events: Array<[number, number]> = [];
        const off = store.onChange((id, modseq) => events.push([id, modseq]));
        const appended = await store.appendMessage(box.id, { bytes: makeMessage(), flags: [] });
        assert.deepEqual(events, [[box.id, appended.modseq]]);
        const flagged = await store.storeFlags(box.id, [1], 'add', ['\\Seen']);
        assert.deepEqual(events.at(-1), [box.id, flagged.updated[0]?.modseq]);
        await store.copyMessages(box.id, [1], trash.id);
        assert.deepEqual(events.at(-1), [trash.id, (await store.getMailboxById(trash.id))?.highestModseq]);
        await store.moveMessages(trash.id, [1], box.id);
        const ids = events.slice(-2).map(([id]) => id).sort();
        assert.deepEqual(ids, [box.id, trash.id].sort());
        await store.storeFlags(box.id, [2], 'add', ['\\Deleted']);
        await store.expunge(box.id);
        assert.deepEqual(events.at(-1), [box.id, (await store.getMailboxById(box.id))?.highestModseq]);
        const count = events.length;
        await store.storeFlags(box.id, [1], 'add', ['\\Seen']); // no change: no event
        assert.equal(events.length, count);
        off();
        await appendN(store, box.id, 1);
        assert.equal(events.length, count);
        // A throwing listener does not turn a committed append into a failure.
        const offBad = store.onChange(() => {
          throw new Error('listener bug');
        });
        const warned = new Promise((resolve) => process.once('warning', resolve));
        await appendN(store, box.id, 1);
        await warned;
        offBad();
      }));
  });
}
