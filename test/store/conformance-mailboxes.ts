// Conformance: accounts, mailboxes, subscriptions, status, \Recent.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { OpenStore } from './conformance.js';
import { appendN, inbox, rejectsWith, uidsOf, withStore } from './conformance-helpers.js';

export function mailboxConformance(open: OpenStore): void {
  describe('accounts', () => {
    test('createAccount makes the default mailboxes, special-use set, all subscribed', () =>
      withStore(open, async (store, account) => {
        const boxes = await store.listMailboxes(account.id);
        assert.deepEqual(boxes.map((b) => b.name), ['Archive', 'Drafts', 'INBOX', 'Junk', 'Sent', 'Trash']);
        const uses = Object.fromEntries(boxes.map((b) => [b.name, b.specialUse]));
        assert.deepEqual(uses, { Archive: '\\Archive', Drafts: '\\Drafts', INBOX: null, Junk: '\\Junk', Sent: '\\Sent', Trash: '\\Trash' });
        assert.deepEqual((await store.listSubscriptions(account.id)).sort(), ['Archive', 'Drafts', 'INBOX', 'Junk', 'Sent', 'Trash']);
        for (const b of boxes) {
          assert.match(b.mailboxId, /^[A-Za-z0-9_-]{1,255}$/);
          assert.ok(b.uidValidity > 0 && b.uidValidity <= 0xffffffff);
          assert.equal(b.uidNext, 1);
        }
        assert.equal(new Set(boxes.map((b) => b.uidValidity)).size, boxes.length, 'UIDVALIDITY distinct');
        assert.equal(new Set(boxes.map((b) => b.mailboxId)).size, boxes.length, 'MAILBOXID distinct');
      }));

    test('find, duplicate, password, list, delete', () =>
      withStore(open, async (store, account) => {
        await rejectsWith(store.createAccount(account.login, 'x'), 'ALREADYEXISTS');
        assert.deepEqual(await store.findAccount(account.login), { id: account.id, login: account.login, passwordHash: 'hash', scram: null });
        assert.equal(await store.findAccount('nobody'), null);
        await store.setPasswordHash(account.login, 'new');
        assert.equal((await store.findAccount(account.login))?.passwordHash, 'new');
        await rejectsWith(store.setPasswordHash('nobody', 'x'), 'NONEXISTENT');
        const other = await store.createAccount('other-account', 'h');
        assert.deepEqual((await store.listAccounts()).map((a) => a.login).sort(), [account.login, 'other-account'].sort());
        const box = await inbox(store, other);
        await appendN(store, box.id, 3);
        assert.equal(await store.deleteAccount('other-account'), true);
        assert.equal(await store.deleteAccount('other-account'), false);
        assert.equal(await store.findAccount('other-account'), null);
        assert.equal(await store.getMailboxById(box.id), null);
        assert.deepEqual(await store.listMailboxes(other.id), []);
        assert.deepEqual(await store.listSubscriptions(other.id), []);
        assert.equal((await store.listMailboxes(account.id)).length, 6, 'other accounts untouched');
      }));
  });

  describe('mailboxes', () => {
    test('create, get (INBOX case-insensitive), getMailboxById, duplicates', () =>
      withStore(open, async (store, account) => {
        const box = await store.createMailbox(account.id, 'Work/Projects');
        assert.equal(box.name, 'Work/Projects');
        assert.equal(box.specialUse, null);
        assert.deepEqual(await store.getMailbox(account.id, 'Work/Projects'), box);
        assert.deepEqual(await store.getMailboxById(box.id), box);
        assert.equal(await store.getMailbox(account.id, 'work/projects'), null, 'other names are case-sensitive');
        assert.equal((await store.getMailbox(account.id, 'inBox'))?.name, 'INBOX');
        await rejectsWith(store.createMailbox(account.id, 'Work/Projects'), 'ALREADYEXISTS');
        await rejectsWith(store.createMailbox(account.id, 'inbox'), 'ALREADYEXISTS');
        const flagged = await store.createMailbox(account.id, 'Starred', '\\Flagged');
        assert.equal(flagged.specialUse, '\\Flagged');
        await rejectsWith(store.createMailbox(account.id, ''), 'CANNOT');
        await rejectsWith(store.createMailbox(account.id, 'a//b'), 'CANNOT');
      }));

    test('delete: NONEXISTENT when missing, INBOX refused, re-create gets a new UIDVALIDITY and UIDs from 1', () =>
      withStore(open, async (store, account) => {
        await rejectsWith(store.deleteMailbox(account.id, 'Nope'), 'NONEXISTENT');
        await rejectsWith(store.deleteMailbox(account.id, 'INBOX'), 'CANNOT');
        await rejectsWith(store.deleteMailbox(account.id, 'Inbox'), 'CANNOT');
        const first = await store.createMailbox(account.id, 'Again');
        await appendN(store, first.id, 2);
        await store.deleteMailbox(account.id, 'Again');
        assert.equal(await store.getMailbox(account.id, 'Again'), null);
        assert.equal(await store.getMailboxById(first.id), null);
        const second = await store.createMailbox(account.id, 'Again');
        assert.notEqual(second.uidValidity, first.uidValidity);
        assert.notEqual(second.mailboxId, first.mailboxId);
        assert.deepEqual(await appendN(store, second.id, 1), [1]);
      }));

    test('rename moves the hierarchy and keeps UIDVALIDITY and messages', () =>
      withStore(open, async (store, account) => {
        const a = await store.createMailbox(account.id, 'a');
        const ax = await store.createMailbox(account.id, 'a/x');
        await store.createMailbox(account.id, 'ab'); // not below "a"
        await appendN(store, a.id, 2);
        await store.renameMailbox(account.id, 'a', 'b');
        const names = (await store.listMailboxes(account.id)).map((m) => m.name);
        assert.ok(names.includes('b') && names.includes('b/x') && names.includes('ab'));
        assert.ok(!names.includes('a') && !names.includes('a/x'));
        const b = await store.getMailbox(account.id, 'b');
        assert.equal(b?.id, a.id);
        assert.equal(b?.uidValidity, a.uidValidity);
        assert.equal((await store.getMailbox(account.id, 'b/x'))?.uidValidity, ax.uidValidity);
        assert.deepEqual(await uidsOf(store, a.id), [1, 2]);
        await rejectsWith(store.renameMailbox(account.id, 'missing', 'c'), 'NONEXISTENT');
        await rejectsWith(store.renameMailbox(account.id, 'b', 'ab'), 'ALREADYEXISTS');
        await rejectsWith(store.renameMailbox(account.id, 'b', 'INBOX'), 'ALREADYEXISTS');
        await rejectsWith(store.renameMailbox(account.id, 'b', 'b'), 'ALREADYEXISTS');
        await rejectsWith(store.renameMailbox(account.id, 'b', 'b/inside'), 'CANNOT');
        // Up one level, where a new name equals an old name of another renamed mailbox.
        await store.createMailbox(account.id, 'x');
        await store.createMailbox(account.id, 'x/y');
        await store.createMailbox(account.id, 'x/y/y');
        await store.renameMailbox(account.id, 'x/y', 'z');
        const after = (await store.listMailboxes(account.id)).map((m) => m.name);
        assert.ok(after.includes('z') && after.includes('z/y') && !after.includes('x/y'));
      }));

    test('renaming INBOX moves its messages to a new mailbox and leaves INBOX empty', () =>
      withStore(open, async (store, account) => {
        const box = await inbox(store, account);
        await store.createMailbox(account.id, 'INBOX/child');
        await appendN(store, box.id, 3, ['\\Seen']);
        await store.renameMailbox(account.id, 'inbox', 'Old');
        const old = await store.getMailbox(account.id, 'Old');
        assert.ok(old);
        assert.notEqual(old.uidValidity, box.uidValidity);
        const moved = await store.listMessages(old.id);
        assert.equal(moved.length, 3);
        assert.ok(moved.every((m) => m.flags.includes('\\Seen')));
        const after = await inbox(store, account);
        assert.equal(after.id, box.id);
        assert.equal(after.uidValidity, box.uidValidity);
        assert.deepEqual(await store.listMessages(box.id), []);
        assert.equal(after.uidNext, 4, 'UIDs are not reused');
        assert.deepEqual((await store.changesSince(box.id, box.highestModseq)).expunged, [1, 2, 3]);
        assert.ok(await store.getMailbox(account.id, 'INBOX/child'), 'children of INBOX stay');
        assert.deepEqual(await appendN(store, box.id, 1), [4]);
      }));

    test('subscriptions are names, kept for mailboxes that do not exist', () =>
      withStore(open, async (store, account) => {
        await store.setSubscribed(account.id, 'Ghost/Folder', true);
        await store.setSubscribed(account.id, 'Ghost/Folder', true);
        await store.setSubscribed(account.id, 'Trash', false);
        await store.setSubscribed(account.id, 'never-subscribed', false);
        assert.deepEqual((await store.listSubscriptions(account.id)).sort(), ['Archive', 'Drafts', 'Ghost/Folder', 'INBOX', 'Junk', 'Sent']);
        await store.createMailbox(account.id, 'Gone');
        await store.setSubscribed(account.id, 'Gone', true);
        await store.deleteMailbox(account.id, 'Gone');
        assert.ok((await store.listSubscriptions(account.id)).includes('Gone'));
      }));

    test('mailboxStatus counts messages, unseen, deleted, size, recent', () =>
      withStore(open, async (store, account) => {
        const box = await inbox(store, account);
        const empty = await store.mailboxStatus(box.id);
        assert.deepEqual(
          { ...empty, highestModseq: 0 },
          { messages: 0, unseen: 0, deleted: 0, size: 0, recent: 0, uidNext: 1, uidValidity: box.uidValidity, highestModseq: 0 },
        );
        await appendN(store, box.id, 2, ['\\Seen']);
        await appendN(store, box.id, 1, ['\\Deleted']);
        await appendN(store, box.id, 1, ['\\Seen', '\\Deleted']);
        const all = await store.listMessages(box.id);
        const status = await store.mailboxStatus(box.id);
        assert.equal(status.messages, 4);
        assert.equal(status.unseen, 1);
        assert.equal(status.deleted, 2);
        assert.equal(status.size, all.reduce((s, m) => s + m.size, 0));
        assert.equal(status.recent, 4);
        assert.equal(status.uidNext, 5);
        assert.equal(status.highestModseq, (await store.getMailboxById(box.id))?.highestModseq);
        await rejectsWith(store.mailboxStatus(999999), 'NONEXISTENT');
      }));

    test('mailboxWithStatus: the mailbox by name and its status in one read, null when there is none', () =>
      withStore(open, async (store, account) => {
        const box = await inbox(store, account);
        await appendN(store, box.id, 2, ['\\Seen']);
        await appendN(store, box.id, 1, ['\\Deleted']);
        const work = await store.createMailbox(account.id, 'Work/Projects');
        await appendN(store, work.id, 1);
        for (const [name, id] of [['INBOX', box.id], ['inbox', box.id], ['Work/Projects', work.id]] as const) {
          const found = await store.mailboxWithStatus(account.id, name);
          assert.ok(found, name);
          assert.deepEqual(found.mailbox, await store.getMailboxById(id), name);
          assert.deepEqual(found.status, await store.mailboxStatus(id), name);
        }
        const status = (await store.mailboxWithStatus(account.id, 'INBOX'))?.status;
        assert.deepEqual([status?.messages, status?.unseen, status?.deleted, status?.recent, status?.uidNext], [3, 1, 1, 3, 4]);
        assert.equal(await store.mailboxWithStatus(account.id, 'work/projects'), null); // only INBOX ignores case
        assert.equal(await store.mailboxWithStatus(account.id, 'Nope'), null);
        const other = await store.createAccount(`other-of-${account.login}`, 'hash');
        assert.equal((await store.mailboxWithStatus(other.id, 'Work/Projects')), null);
      }));

    test('mailboxStatus follows flag changes, copy, move, expunge, rename of INBOX and delete', () =>
      withStore(open, async (store, account) => {
        const box = await inbox(store, account);
        const other = await store.createMailbox(account.id, 'Counted');
        // What STATUS must say, counted from the messages themselves.
        const expected = async (mailboxId: number): Promise<Record<string, number>> => {
          const all = await store.listMessages(mailboxId);
          const has = (m: (typeof all)[number], flag: string): boolean => m.flags.includes(flag);
          return {
            messages: all.length,
            unseen: all.filter((m) => !has(m, '\\Seen')).length,
            deleted: all.filter((m) => has(m, '\\Deleted')).length,
            size: all.reduce((s, m) => s + m.size, 0),
          };
        };
        const counted = async (mailboxId: number): Promise<Record<string, number>> => {
          const { messages, unseen, deleted, size } = await store.mailboxStatus(mailboxId);
          return { messages, unseen, deleted, size };
        };
        const same = async (step: string, ...ids: number[]): Promise<void> => {
          for (const id of ids) assert.deepEqual(await counted(id), await expected(id), `${step}: mailbox ${id}`);
        };
        await appendN(store, box.id, 3);
        await appendN(store, box.id, 2, ['\\Seen', '\\Flagged']);
        await appendN(store, box.id, 1, ['\\Deleted']);
        await store.appendMessages(box.id, [1, 2].map((i) => ({ bytes: Buffer.from(`Subject: batch ${i}\r\n\r\nbody ${'x'.repeat(i * 100)}\r\n`), flags: i === 1 ? ['\\Seen'] : [] })));
        await same('appends', box.id, other.id);
        await store.storeFlags(box.id, [1, 2], 'add', ['\\Seen']);
        await store.storeFlags(box.id, [4], 'remove', ['\\Seen']);
        await store.storeFlags(box.id, [3, 4], 'add', ['\\Flagged', 'keyword']);
        await store.storeFlags(box.id, [5], 'replace', ['\\Deleted']);
        await same('flag changes', box.id);
        await store.copyMessages(box.id, [1, 3, 5, 6], other.id);
        await same('copy', box.id, other.id);
        await store.moveMessages(box.id, [2, 4], other.id);
        await same('move', box.id, other.id);
        await store.expunge(box.id);
        await store.storeFlags(other.id, [1, 2], 'add', ['\\Deleted']);
        await store.expunge(other.id, [1]);
        await same('expunge', box.id, other.id);
        await store.renameMailbox(account.id, 'INBOX', 'Old inbox');
        const old = await store.getMailbox(account.id, 'Old inbox');
        const fresh = await store.getMailbox(account.id, 'INBOX');
        assert.ok(old && fresh);
        await same('rename of INBOX', old.id, fresh.id);
        assert.ok(((await counted(old.id)).messages ?? 0) > 0, 'the old INBOX took its messages along');
        await store.deleteMailbox(account.id, 'Counted');
        await rejectsWith(store.mailboxStatus(other.id), 'NONEXISTENT');
        const again = await store.createMailbox(account.id, 'Counted');
        await same('deleted and made again', again.id);
      }));

    test('claimRecent hands each UID to the first claimer only', () =>
      withStore(open, async (store, account) => {
        const box = await inbox(store, account);
        await appendN(store, box.id, 3);
        assert.equal(await store.claimRecent(box.id), 1);
        assert.equal(await store.claimRecent(box.id), 4, 'nothing recent for the second session');
        assert.equal((await store.mailboxStatus(box.id)).recent, 0);
        await appendN(store, box.id, 2);
        assert.equal((await store.mailboxStatus(box.id)).recent, 2);
        assert.equal(await store.claimRecent(box.id), 4);
        assert.equal(await store.claimRecent(box.id), 6);
      }));
  });
}
