// Conformance: METADATA annotations (RFC 5464): server and mailbox entries, depth, all-or-nothing
// sets with a count limit, and the life of mailbox entries through RENAME and DELETE.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { OpenStore } from './conformance.js';
import { inbox, rejectsWith, withStore } from './conformance-helpers.js';

const v = (s: string): Buffer => Buffer.from(s, 'utf8');
const names = (entries: ReadonlyArray<{ name: string }>): string[] => entries.map((e) => e.name);

export function metadataConformance(open: OpenStore): void {
  describe('metadata', () => {
    test('server entries: set, read, replace, remove; names are case-insensitive', () =>
      withStore(open, async (store, account) => {
        assert.deepEqual(await store.getMetadata(account.id, null, ['/private/comment'], 0), []);
        await store.setMetadata(account.id, null, [{ name: '/Private/Comment', value: v('hello') }], 10);
        const got = await store.getMetadata(account.id, null, ['/private/COMMENT'], 0);
        assert.deepEqual(got.map((e) => [e.name, e.value.toString()]), [['/private/comment', 'hello']]);
        await store.setMetadata(account.id, null, [{ name: '/private/comment', value: v('bye') }], 10);
        assert.equal((await store.getMetadata(account.id, null, ['/private/comment'], 0))[0]?.value.toString(), 'bye');
        await store.setMetadata(account.id, null, [{ name: '/private/comment', value: null }], 10);
        assert.deepEqual(await store.getMetadata(account.id, null, ['/private/comment'], 0), []);
        // removing what is not there is fine
        await store.setMetadata(account.id, null, [{ name: '/private/nothing', value: null }], 10);
      }));

    test('depth 0, 1 and infinity; binary values kept exactly', () =>
      withStore(open, async (store, account) => {
        const box = await inbox(store, account);
        const bin = Buffer.from([0, 1, 2, 255, 13, 10]);
        await store.setMetadata(
          account.id,
          box.id,
          [
            { name: '/private/filters/values', value: v('top') },
            { name: '/private/filters/values/small', value: v('SMALLER 5000') },
            { name: '/private/filters/values/boss', value: bin },
            { name: '/private/filters/values/boss/deep', value: v('x') },
            { name: '/private/filters/valuesX', value: v('not below') },
          ],
          10,
        );
        const get = async (depth: 0 | 1 | 'infinity') => names(await store.getMetadata(account.id, box.id, ['/private/filters/values'], depth));
        assert.deepEqual(await get(0), ['/private/filters/values']);
        assert.deepEqual(await get(1), ['/private/filters/values', '/private/filters/values/boss', '/private/filters/values/small']);
        assert.deepEqual(await get('infinity'), ['/private/filters/values', '/private/filters/values/boss', '/private/filters/values/boss/deep', '/private/filters/values/small']);
        const boss = await store.getMetadata(account.id, box.id, ['/private/filters/values/boss'], 0);
        assert.deepEqual(boss[0]?.value, bin);
        // server and mailbox entries are apart
        assert.deepEqual(await store.getMetadata(account.id, null, ['/private/filters/values'], 'infinity'), []);
      }));

    test('a set that would pass the count limit changes nothing (LIMIT)', () =>
      withStore(open, async (store, account) => {
        const box = await inbox(store, account);
        await store.setMetadata(account.id, box.id, [{ name: '/shared/a', value: v('1') }, { name: '/shared/b', value: v('2') }], 3);
        await rejectsWith(
          store.setMetadata(account.id, box.id, [{ name: '/shared/a', value: v('changed') }, { name: '/shared/c', value: v('3') }, { name: '/shared/d', value: v('4') }], 3),
          'LIMIT',
        );
        const all = await store.getMetadata(account.id, box.id, ['/shared'], 'infinity');
        assert.deepEqual(all.map((e) => [e.name, e.value.toString()]), [['/shared/a', '1'], ['/shared/b', '2']]);
        // replacing and removing within the limit works
        await store.setMetadata(account.id, box.id, [{ name: '/shared/a', value: null }, { name: '/shared/c', value: v('3') }, { name: '/shared/d', value: v('4') }], 3);
        assert.deepEqual(names(await store.getMetadata(account.id, box.id, ['/shared'], 1)), ['/shared/b', '/shared/c', '/shared/d']);
      }));

    test('mailbox entries follow RENAME (children too) and go with DELETE', () =>
      withStore(open, async (store, account) => {
        const a = await store.createMailbox(account.id, 'A');
        const child = await store.createMailbox(account.id, 'A/B');
        await store.setMetadata(account.id, a.id, [{ name: '/shared/comment', value: v('on A') }], 10);
        await store.setMetadata(account.id, child.id, [{ name: '/private/comment', value: v('on A/B') }], 10);
        await store.renameMailbox(account.id, 'A', 'Z');
        const z = await store.getMailbox(account.id, 'Z');
        const zb = await store.getMailbox(account.id, 'Z/B');
        assert.ok(z && zb);
        assert.equal((await store.getMetadata(account.id, z.id, ['/shared/comment'], 0))[0]?.value.toString(), 'on A');
        assert.equal((await store.getMetadata(account.id, zb.id, ['/private/comment'], 0))[0]?.value.toString(), 'on A/B');
        await store.deleteMailbox(account.id, 'Z/B');
        const again = await store.createMailbox(account.id, 'Z/B');
        assert.deepEqual(await store.getMetadata(account.id, again.id, ['/private/comment'], 0), []);
        await rejectsWith(store.getMetadata(account.id, 999999, ['/private/comment'], 0), 'NONEXISTENT');
      }));

    test("another account's mailbox is NONEXISTENT; server entries are per account", () =>
      withStore(open, async (store, account) => {
        const other = await store.createAccount(`meta-other-${account.id}`, 'hash');
        const theirs = await store.getMailbox(other.id, 'INBOX');
        assert.ok(theirs);
        await rejectsWith(store.getMetadata(account.id, theirs.id, ['/shared/comment'], 0), 'NONEXISTENT');
        await rejectsWith(store.setMetadata(account.id, theirs.id, [{ name: '/shared/comment', value: v('x') }], 10), 'NONEXISTENT');
        await store.setMetadata(other.id, null, [{ name: '/private/comment', value: v('theirs') }], 10);
        assert.deepEqual(await store.getMetadata(account.id, null, ['/private/comment'], 0), []);
      }));
  });
}
