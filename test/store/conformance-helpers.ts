// Helpers shared by the conformance suite files.
import assert from 'node:assert/strict';
import type { Account, Mailbox, MessageMeta, Store } from '../../src/store/types.js';
import { StoreError } from '../../src/store/types.js';
import type { OpenStore } from './conformance.js';
import { makeMessage } from './fake-analyzer.js';

let logins = 0;

/** Runs body with a fresh store and an account, and always cleans up. */
export async function withStore(open: OpenStore, body: (store: Store, account: Account) => Promise<void>): Promise<void> {
  const { store, cleanup } = await open();
  try {
    const account = await store.createAccount(`user${++logins}`, 'hash');
    await body(store, account);
  } finally {
    await store.close();
    await cleanup();
  }
}

export async function inbox(store: Store, account: Account): Promise<Mailbox> {
  const box = await store.getMailbox(account.id, 'INBOX');
  assert.ok(box, 'INBOX exists');
  return box;
}

export async function appendN(store: Store, mailboxId: number, n: number, flags: string[] = []): Promise<number[]> {
  const uids: number[] = [];
  for (let i = 0; i < n; i++) uids.push((await store.appendMessage(mailboxId, { bytes: makeMessage(), flags })).uid);
  return uids;
}

export async function rejectsWith(promise: Promise<unknown>, code: StoreError['code']): Promise<void> {
  await assert.rejects(promise, (err: unknown) => {
    assert.ok(err instanceof StoreError, `expected a StoreError, got ${String(err)}`);
    assert.equal(err.code, code, err.message);
    assert.ok(err.message.length > 0);
    return true;
  });
}

export async function uidsOf(store: Store, mailboxId: number): Promise<number[]> {
  return (await store.listMessages(mailboxId)).map((m) => m.uid);
}

/** A message's metadata as a plain object of every field: a store may hand out instances of its own
 *  class (the SQLite page reader derives EMAILID on access), which deepEqual would tell apart. */
export function metaFields(m: MessageMeta): MessageMeta {
  const { uid, modseq, flags, internalDate, saveDate, size, blobId, emailId, threadId } = m;
  return { uid, modseq, flags, internalDate, saveDate, size, blobId, emailId, threadId };
}
