// Conformance: STORE flags (with UNCHANGEDSINCE), COPY, MOVE, EXPUNGE.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { OpenStore } from './conformance.js';
import { appendN, inbox, rejectsWith, uidsOf, withStore } from './conformance-helpers.js';

export function mutationConformance(open: OpenStore): void {
  describe('flags', () => {
    test('add, remove, replace; keywords case-insensitive; a fresh MODSEQ only where something changed', () =>
      withStore(open, async (store, account) => {
        const box = await inbox(store, account);
        await appendN(store, box.id, 3);
        const before = await store.listMessages(box.id);
        const highest = (await store.getMailboxById(box.id))?.highestModseq ?? 0;
        const added = await store.storeFlags(box.id, [1, 2, 99], 'add', ['\\Seen', 'Work']);
        assert.deepEqual(added.updated.map((m) => m.uid), [1, 2]);
        assert.deepEqual(added.updated[0]?.flags, ['\\Seen', 'Work']);
        assert.deepEqual(added.modified, []);
        const m1 = added.updated[0]?.modseq ?? 0;
        assert.ok(m1 > Math.max(...before.map((m) => m.modseq)));
        const again = await store.storeFlags(box.id, [1, 2], 'add', ['\\SEEN', 'work']);
        assert.deepEqual(again.updated, [], 'nothing changed, nothing updated');
        assert.equal((await store.getMailboxById(box.id))?.highestModseq, m1, 'no MODSEQ spent on a no-op');
        assert.deepEqual(added.updated.map((m) => m.modseq), [highest + 1, highest + 1], 'one MODSEQ, HIGHESTMODSEQ + 1, for the whole operation');
        const removed = await store.storeFlags(box.id, [1], 'remove', ['WORK']);
        assert.equal(removed.updated[0]?.modseq, m1 + 1, 'HIGHESTMODSEQ + 1');
        assert.deepEqual(removed.updated[0]?.flags, ['\\Seen']);
        assert.ok((removed.updated[0]?.modseq ?? 0) > m1);
        const replaced = await store.storeFlags(box.id, [2, 3], 'replace', ['\\Answered', '$Junk', '\\Recent']);
        assert.deepEqual(replaced.updated.map((m) => [m.uid, m.flags]), [
          [2, ['\\Answered', '$Junk']],
          [3, ['\\Answered', '$Junk']],
        ]);
        const listed = await store.listMessages(box.id);
        assert.deepEqual(listed.map((m) => m.flags), [['\\Seen'], ['\\Answered', '$Junk'], ['\\Answered', '$Junk']]);
        assert.deepEqual(listed.map((m) => m.modseq), [removed.updated[0]?.modseq, replaced.updated[0]?.modseq, replaced.updated[1]?.modseq]);
        await rejectsWith(store.storeFlags(box.id, [1], 'add', ['a(b']), 'CANNOT');
        await rejectsWith(store.storeFlags(999999, [1], 'add', ['\\Seen']), 'NONEXISTENT');
      }));

    test('unchangedSince (RFC 7162 §3.2) leaves newer messages alone and reports them', () =>
      withStore(open, async (store, account) => {
        const box = await inbox(store, account);
        await appendN(store, box.id, 3);
        const mark = (await store.getMailboxById(box.id))?.highestModseq ?? 0;
        await store.storeFlags(box.id, [2], 'add', ['\\Flagged']);
        const result = await store.storeFlags(box.id, [1, 2, 3], 'add', ['\\Seen'], mark);
        assert.deepEqual(result.modified, [2]);
        assert.deepEqual(result.updated.map((m) => m.uid), [1, 3]);
        const flags = (await store.listMessages(box.id)).map((m) => m.flags);
        assert.deepEqual(flags, [['\\Seen'], ['\\Flagged'], ['\\Seen']]);
        const none = await store.storeFlags(box.id, [1], 'add', ['\\Draft'], 0);
        assert.deepEqual(none, { updated: [], modified: [1] });
      }));
  });

  describe('copy and move', () => {
    test('copy: new ascending UIDs in source order, flags and dates kept, bytes shared', () =>
      withStore(open, async (store, account) => {
        const box = await inbox(store, account);
        const archive = await store.getMailbox(account.id, 'Archive');
        assert.ok(archive);
        await appendN(store, archive.id, 2); // the target's UIDs start above these
        await store.appendMessage(box.id, { bytes: Buffer.from('Subject: a\r\n\r\na\r\n'), flags: ['\\Flagged', 'Tag'], internalDate: 1_600_000_000_000 });
        await appendN(store, box.id, 2, ['\\Seen']);
        const result = await store.copyMessages(box.id, [3, 1, 42], archive.id);
        assert.equal(result.uidValidity, archive.uidValidity);
        assert.deepEqual(result.mapping, [
          [1, 3],
          [3, 4],
        ]);
        const [src1] = await store.listMessages(box.id);
        const copies = await store.listMessages(archive.id);
        const copy = copies.find((m) => m.uid === 3);
        assert.ok(src1 && copy);
        assert.deepEqual(copy.flags, ['\\Flagged', 'Tag']);
        assert.equal(copy.internalDate, 1_600_000_000_000);
        assert.equal(copy.blobId, src1.blobId);
        assert.deepEqual(await store.readMessage(copy.blobId), Buffer.from('Subject: a\r\n\r\na\r\n'));
        assert.deepEqual(await uidsOf(store, box.id), [1, 2, 3], 'source untouched');
        assert.deepEqual(await store.copyMessages(box.id, [77], archive.id), { uidValidity: archive.uidValidity, mapping: [] });
        await rejectsWith(store.copyMessages(box.id, [1], 999999), 'NONEXISTENT');
        // Deleting the source keeps the copy readable (the blob had two references).
        await store.storeFlags(box.id, [1], 'add', ['\\Deleted']);
        await store.expunge(box.id);
        assert.deepEqual(await store.readMessage(copy.blobId), Buffer.from('Subject: a\r\n\r\na\r\n'));
      }));

    test('move: target gets the messages, source logs them as expunged', () =>
      withStore(open, async (store, account) => {
        const box = await inbox(store, account);
        const junk = await store.getMailbox(account.id, 'Junk');
        assert.ok(junk);
        await appendN(store, box.id, 4, ['$x']);
        const mark = (await store.getMailboxById(box.id))?.highestModseq ?? 0;
        const result = await store.moveMessages(box.id, [2, 4], junk.id);
        assert.deepEqual(result.mapping, [
          [2, 1],
          [4, 2],
        ]);
        assert.deepEqual(await uidsOf(store, box.id), [1, 3]);
        assert.deepEqual(await uidsOf(store, junk.id), [1, 2]);
        assert.deepEqual((await store.listMessages(junk.id)).map((m) => m.flags), [['$x'], ['$x']]);
        const changes = await store.changesSince(box.id, mark);
        assert.deepEqual(changes.expunged, [2, 4]);
        assert.ok(changes.highestModseq > mark);
        for (const m of await store.listMessages(junk.id)) assert.ok((await store.readMessage(m.blobId)).length > 0);
      }));
  });

  describe('expunge', () => {
    test('removes only \\Deleted messages (only among uids when given); UIDs never reused', () =>
      withStore(open, async (store, account) => {
        const box = await inbox(store, account);
        await appendN(store, box.id, 5);
        await store.storeFlags(box.id, [2, 3, 5], 'add', ['\\Deleted']);
        const mark = (await store.getMailboxById(box.id))?.highestModseq ?? 0;
        assert.deepEqual(await store.expunge(box.id, [3, 4, 5]), [3, 5]);
        assert.deepEqual(await uidsOf(store, box.id), [1, 2, 4]);
        const afterFirst = (await store.getMailboxById(box.id))?.highestModseq ?? 0;
        assert.equal(afterFirst, mark + 1, 'one MODSEQ for the whole expunge');
        assert.deepEqual(await store.expunge(box.id), [2]);
        assert.deepEqual(await store.expunge(box.id), [], 'nothing left to expunge');
        assert.equal((await store.getMailboxById(box.id))?.highestModseq, afterFirst + 1);
        assert.deepEqual((await store.changesSince(box.id, mark)).expunged, [2, 3, 5]);
        assert.deepEqual((await store.changesSince(box.id, afterFirst)).expunged, [2]);
        // The highest UID was expunged: the next append must still not reuse it.
        await store.storeFlags(box.id, [4], 'add', ['\\Deleted']);
        await store.expunge(box.id);
        assert.deepEqual(await appendN(store, box.id, 1), [6]);
        await rejectsWith(store.expunge(999999), 'NONEXISTENT');
      }));
  });
}
