// Flag and mailbox-name normalization shared by store implementations.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { applyFlags, flagList, parseFlags, sameFlags } from '../../src/store/flags.js';
import { canonicalName, validMailboxName } from '../../src/store/names.js';
import { StoreError } from '../../src/store/types.js';

test('parseFlags canonicalizes system flags, drops \\Recent, deduplicates keywords case-insensitively', () => {
  const parsed = parseFlags(['\\SEEN', '\\deleted', '\\Recent', 'Foo', 'foo', '$MDNSent', 'a}b~']);
  assert.deepEqual(flagList(parsed.system, parsed.keywords.join(' ')), ['\\Seen', '\\Deleted', 'Foo', '$MDNSent', 'a}b~']);
});

test('parseFlags refuses what is not a flag', () => {
  for (const bad of ['', 'a b', 'a(b', 'a]b', 'a%', 'a*', 'a"b', 'a\\b', 'caf\u00e9', '\\Unknown', 'x\u0001', 'a{b']) {
    assert.throws(() => parseFlags([bad]), (err: unknown) => err instanceof StoreError && err.code === 'CANNOT', bad);
  }
});

test('applyFlags add/remove/replace keep the stored keyword case', () => {
  const current = parseFlags(['\\Seen', 'Work']);
  assert.deepEqual(applyFlags(current, 'add', parseFlags(['WORK', 'Home', '\\Flagged'])), parseFlags(['\\Seen', '\\Flagged', 'Work', 'Home']));
  assert.deepEqual(applyFlags(current, 'remove', parseFlags(['work', '\\Seen'])), parseFlags([]));
  assert.deepEqual(applyFlags(current, 'replace', parseFlags(['x'])), parseFlags(['x']));
  assert.ok(sameFlags(parseFlags(['a', 'B']), parseFlags(['b', 'A'])));
  assert.ok(!sameFlags(parseFlags(['a']), parseFlags(['a', '\\Seen'])));
});

test('mailbox names: INBOX case-insensitive (also as a parent), others kept; invalid refused', () => {
  assert.equal(canonicalName('inbox'), 'INBOX');
  assert.equal(canonicalName('Inbox/Sub'), 'INBOX/Sub');
  assert.equal(canonicalName('Inboxes'), 'Inboxes');
  assert.equal(validMailboxName('Caf\u00e9/Men\u00fc'), 'Caf\u00e9/Men\u00fc');
  for (const bad of ['', '/a', 'a/', 'a//b', 'a\u0000b', 'x'.repeat(2000), '\ud800']) {
    assert.throws(() => validMailboxName(bad), StoreError, JSON.stringify(bad));
  }
});
