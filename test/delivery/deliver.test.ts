// deliverMessage: the one delivery path. Mailbox creation, quota, size, flags and dates, and the
// DeliveryError kinds that LMTP and `postkeep deliver` turn into replies and exit codes.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { DeliveryError, deliverMessage, type DeliveryErrorKind } from '../../src/delivery/deliver.js';
import { toCrlf, traceHeaders, withTraceHeaders } from '../../src/delivery/trace-headers.js';
import { openSqliteStore } from '../../src/store/sqlite/index.js';
import type { Account, Store } from '../../src/store/types.js';
import { fakeAnalyze, makeMessage } from '../store/fake-analyzer.js';

async function withStore(body: (store: Store, alice: Account) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'postkeep-deliver-'));
  const store = await openSqliteStore({ dataDir: dir, analyze: fakeAnalyze, fsync: false });
  try {
    await body(store, await store.createAccount('alice', 'x'));
  } finally {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  }
}

async function failsWith(promise: Promise<unknown>, kind: DeliveryErrorKind, permanent = false): Promise<void> {
  await assert.rejects(promise, (err: unknown) => {
    assert.ok(err instanceof DeliveryError, String(err));
    assert.equal(err.kind, kind, err.message);
    assert.equal(err.permanent, permanent, err.message);
    return true;
  });
}

test('delivers into INBOX (any case) with flags and internal date; creates mailboxes with parents only when asked', () =>
  withStore(async (store, alice) => {
    const r = await deliverMessage(store, { accountId: alice.id, mailbox: 'inbox' }, makeMessage(), { flags: ['\\Seen', 'Imported'], internalDate: 1_000_000_000_000 });
    assert.equal(r.uid, 1);
    const inbox = await store.getMailbox(alice.id, 'INBOX');
    const [meta] = await store.listMessages(inbox?.id ?? 0);
    assert.deepEqual(meta?.flags, ['\\Seen', 'Imported']);
    assert.equal(meta?.internalDate, 1_000_000_000_000);
    await failsWith(deliverMessage(store, { accountId: alice.id, mailbox: 'Archive/2020/Q1' }, makeMessage()), 'nomailbox');
    const created = await deliverMessage(store, { accountId: alice.id, mailbox: 'Archive/2020/Q1' }, makeMessage(), { createMailbox: true });
    assert.equal(created.uid, 1);
    assert.ok(await store.getMailbox(alice.id, 'Archive/2020'), 'parent created');
    await deliverMessage(store, { accountId: alice.id, mailbox: 'Archive/2020/Q1' }, makeMessage(), { createMailbox: true });
    await failsWith(deliverMessage(store, { accountId: alice.id, mailbox: 'a//b' }, makeMessage(), { createMailbox: true }), 'nomailbox');
    await failsWith(deliverMessage(store, { accountId: 999999, mailbox: 'INBOX' }, makeMessage()), 'nomailbox');
  }));

test('quota: 4.2.2-style temporary when full, permanent when the message alone is larger than the quota; ignoreQuota for imports', () =>
  withStore(async (store, alice) => {
    const message = makeMessage({ body: 'x'.repeat(200) });
    await store.setQuota(alice.id, { storage: message.length + 10 });
    await deliverMessage(store, { accountId: alice.id, mailbox: 'INBOX' }, message);
    await failsWith(deliverMessage(store, { accountId: alice.id, mailbox: 'INBOX' }, makeMessage({ body: 'y'.repeat(200) })), 'overquota', false);
    await failsWith(deliverMessage(store, { accountId: alice.id, mailbox: 'INBOX' }, makeMessage({ body: 'z'.repeat(400) })), 'overquota', true);
    await deliverMessage(store, { accountId: alice.id, mailbox: 'INBOX' }, makeMessage(), { ignoreQuota: true });
    await store.setQuota(alice.id, { storage: null, messages: 0 });
    await failsWith(deliverMessage(store, { accountId: alice.id, mailbox: 'INBOX' }, makeMessage()), 'overquota', true);
  }));

test('maxBytes: toobig', () =>
  withStore(async (store, alice) => {
    await failsWith(deliverMessage(store, { accountId: alice.id, mailbox: 'INBOX' }, Buffer.alloc(2000, 'a'), { maxBytes: 1999 }), 'toobig');
    await deliverMessage(store, { accountId: alice.id, mailbox: 'INBOX' }, makeMessage(), { maxBytes: 1999 });
  }));

test('a store failure is temporary', () =>
  withStore(async (store, alice) => {
    const broken: Store = Object.create(store, {
      appendMessage: { value: () => Promise.reject(Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' })) },
    }) as Store;
    await failsWith(deliverMessage(broken, { accountId: alice.id, mailbox: 'INBOX' }, makeMessage()), 'temporary');
  }));

test('trace headers and line ends', () => {
  assert.equal(traceHeaders('s@x.test', 'a+b@y.test'), 'Return-Path: <s@x.test>\r\nDelivered-To: a+b@y.test\r\n');
  assert.equal(traceHeaders('', 'a@y.test'), 'Return-Path: <>\r\nDelivered-To: a@y.test\r\n');
  assert.equal(traceHeaders(null, 'a@y.test'), 'Delivered-To: a@y.test\r\n');
  assert.equal(traceHeaders('evil\r\nX-Injected: 1', 'a@y.test'), 'Return-Path: <evilX-Injected: 1>\r\nDelivered-To: a@y.test\r\n');
  assert.equal(withTraceHeaders(Buffer.from('S: x\r\n\r\nb'), 's@x', 'a@y').toString(), 'Return-Path: <s@x>\r\nDelivered-To: a@y\r\nS: x\r\n\r\nb');
  assert.equal(toCrlf(Buffer.from('a\nb\r\nc\n\n')).toString(), 'a\r\nb\r\nc\r\n\r\n');
  const crlf = Buffer.from('a\r\nb\r\n');
  assert.equal(toCrlf(crlf), crlf, 'already CRLF: the same buffer');
  assert.equal(toCrlf(Buffer.from('\nx')).toString(), '\r\nx');
});
