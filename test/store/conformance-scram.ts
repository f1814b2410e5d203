// Conformance: SCRAM-SHA-256 credentials on accounts and the server secrets (src/store/types.ts).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { ScramRecord } from '../../src/store/types.js';
import type { OpenStore } from './conformance.js';
import { rejectsWith, withStore } from './conformance-helpers.js';

const A: ScramRecord = { iterations: 4096, salt: 'c2FsdA==', storedKey: 'c3RvcmVk', serverKey: 'c2VydmVy' };
const B: ScramRecord = { iterations: 8192, salt: 'b3RoZXI=', storedKey: 'YQ==', serverKey: 'Yg==' };

export function scramConformance(open: OpenStore): void {
  describe('SCRAM credentials', () => {
    test('none by default; createAccount and setPasswordHash set them with the hash, or clear them', () =>
      withStore(open, async (store, account) => {
        assert.equal((await store.findAccount(account.login))?.scram, null, 'an account made without them has none');
        const made = await store.createAccount('with-scram', 'h1', A);
        assert.deepEqual(await store.findAccount('with-scram'), { id: made.id, login: 'with-scram', passwordHash: 'h1', scram: A });
        await store.setPasswordHash('with-scram', 'h2', B);
        assert.deepEqual((await store.findAccount('with-scram'))?.scram, B);
        await store.setPasswordHash('with-scram', 'h3');
        const after = await store.findAccount('with-scram');
        assert.equal(after?.passwordHash, 'h3');
        assert.equal(after?.scram, null, "a new password without SCRAM credentials drops the old password's");
        await rejectsWith(store.setPasswordHash('nobody', 'x', A), 'NONEXISTENT');
      }));

    test('setScramCredentials only while the password hash is the one they came from', async () =>
      withStore(open, async (store, account) => {
        assert.equal(await store.setScramCredentials(account.login, 'not-the-hash', A), false);
        assert.equal((await store.findAccount(account.login))?.scram, null);
        assert.equal(await store.setScramCredentials(account.login, 'hash', A), true);
        assert.deepEqual((await store.findAccount(account.login))?.scram, A);
        assert.equal(await store.setScramCredentials('nobody', 'hash', A), false);
      }));

    test('serverSecret: 32 bytes, made once, the same at every call and per name', () =>
      withStore(open, async (store) => {
        const [s1, s2] = await Promise.all([store.serverSecret('scram'), store.serverSecret('scram')]);
        assert.equal(s1.length, 32);
        assert.deepEqual(s2, s1);
        assert.deepEqual(await store.serverSecret('scram'), s1);
        assert.notDeepEqual(await store.serverSecret('other'), s1);
      }));
  });
}
