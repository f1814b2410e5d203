// Table tests for mailbox names (src/imap/mailbox-names.ts) and the capability list (src/imap/capabilities.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { canonicalName, joinReference, patternMatcher, validateNewName } from '../../../src/imap/mailbox-names.js';
import { capabilityList } from '../../../src/imap/capabilities.js';
import { commandModules } from '../../../src/imap/commands/registry.js';

test('LIST patterns: * crosses levels, % does not, INBOX is case-insensitive', () => {
  const cases: [string, string, boolean][] = [
    ['*', 'a/b/c', true],
    ['%', 'a', true],
    ['%', 'a/b', false],
    ['a/%', 'a/b', true],
    ['a/%', 'a/b/c', false],
    ['a*', 'a/b/c', true],
    ['a%c', 'abc', true],
    ['a%c', 'a/c', false],
    ['inbox', 'INBOX', true],
    ['Inbox/%', 'INBOX/x', true],
    ['inboxes', 'INBOX', false],
    ['a.b', 'axb', false],
    ['(x)', '(x)', true],
  ];
  for (const [pattern, name, expected] of cases) assert.equal(patternMatcher(pattern)(name), expected, `${pattern} vs ${name}`);
});

test('reference + pattern', () => {
  assert.equal(joinReference('', '*'), '*');
  assert.equal(joinReference('a/', '%'), 'a/%');
  assert.equal(joinReference('a/', '/b'), 'a/b');
  assert.equal(joinReference('a', 'b'), 'ab');
});

test('names to create: canonical INBOX, trailing delimiter dropped, unsafe names refused', () => {
  assert.equal(canonicalName('inbox/Sub'), 'INBOX/Sub');
  assert.equal(canonicalName('Inboxes'), 'Inboxes');
  assert.equal(validateNewName('a/b/'), 'a/b');
  for (const bad of ['', '/', 'a//b', 'a/../b', '.', 'x*', 'x%', 'a\u0001b', 'a\u0085b', 'a\u2028b', 'a\u2029b', 'a\ufffdb', 'x'.repeat(256)]) {
    assert.throws(() => validateNewName(bad), /Invalid mailbox name/, JSON.stringify(bad));
  }
});

test('capabilities follow the connection state', () => {
  const pre = capabilityList(commandModules, { state: 'notAuthenticated', secure: false, starttls: true, plaintextAuthAllowed: true });
  assert.ok(pre.includes('STARTTLS') && pre.includes('AUTH=PLAIN') && !pre.includes('LOGINDISABLED'));
  const locked = capabilityList(commandModules, { state: 'notAuthenticated', secure: false, starttls: true, plaintextAuthAllowed: false });
  assert.ok(locked.includes('LOGINDISABLED') && !locked.includes('AUTH=PLAIN') && !locked.includes('AUTH=LOGIN'));
  const tls = capabilityList(commandModules, { state: 'notAuthenticated', secure: true, starttls: false, plaintextAuthAllowed: true });
  assert.ok(!tls.includes('STARTTLS'));
  const post = capabilityList(commandModules, { state: 'authenticated', secure: true, starttls: false, plaintextAuthAllowed: true });
  assert.ok(!post.some((c) => c.startsWith('AUTH=') || c === 'SASL-IR' || c === 'STARTTLS'));
  assert.deepEqual(post.slice(0, 3), ['IMAP4rev1', 'IMAP4rev2', 'LITERAL+']);
});
