// Address -> account and mailbox (src/delivery/recipients.ts), as a table.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { resolveRecipient, type RecipientRules } from '../../src/delivery/recipients.js';
import { openSqliteStore } from '../../src/store/sqlite/index.js';
import { fakeAnalyze } from '../store/fake-analyzer.js';

test('resolveRecipient: logins, local domains, extensions, mailboxes', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'postkeep-rcpt-'));
  const store = await openSqliteStore({ dataDir: dir, analyze: fakeAnalyze, fsync: false });
  try {
    const alice = await store.createAccount('alice', 'x');
    await store.createAccount('bob@example.net', 'x');
    await store.createAccount('a+b', 'x');
    await store.createMailbox(alice.id, 'Lists');
    await store.createMailbox(alice.id, 'Lists/Node');
    const strict: RecipientRules = { localDomains: ['example.org'], recipientDelimiter: '+', plusToMailbox: true };
    const anyDomain: RecipientRules = { localDomains: [], recipientDelimiter: '+-', plusToMailbox: true };
    const noPlus: RecipientRules = { localDomains: [], recipientDelimiter: '', plusToMailbox: true };
    const noBox: RecipientRules = { localDomains: ['example.org'], recipientDelimiter: '+', plusToMailbox: false };
    const cases: Array<[RecipientRules, string, string | null, string?]> = [
      [strict, 'alice@example.org', 'alice', 'INBOX'],
      [strict, '<alice@EXAMPLE.ORG>', 'alice', 'INBOX'],
      [strict, 'ALICE@example.org', 'alice', 'INBOX'],
      [strict, 'alice@example.org.', 'alice', 'INBOX'],
      [strict, 'alice@other.org', null],
      [strict, 'alice', 'alice', 'INBOX'],
      [strict, 'bob@example.net', 'bob@example.net', 'INBOX'],
      [strict, 'alice+lists@example.org', 'alice', 'Lists'],
      [strict, 'alice+Lists/Node@example.org', 'alice', 'Lists/Node'],
      [strict, 'alice+none@example.org', 'alice', 'INBOX'],
      [strict, 'a+b@example.org', 'a+b', 'INBOX'],
      [strict, '+lists@example.org', null],
      [strict, 'carol@example.org', null],
      [strict, '', null],
      [anyDomain, 'alice-lists@anything.test', 'alice', 'Lists'],
      [anyDomain, 'alice+x-y@anything.test', 'alice', 'INBOX'],
      [noPlus, 'alice+lists@x.test', null],
      [noBox, 'alice+lists@example.org', 'alice', 'INBOX'],
    ];
    for (const [rules, address, login, mailbox] of cases) {
      const found = await resolveRecipient(store, address, rules);
      assert.equal(found?.account.login ?? null, login, `${address} -> login`);
      if (mailbox !== undefined) assert.equal(found?.mailbox, mailbox, `${address} -> mailbox`);
    }
  } finally {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  }
});
