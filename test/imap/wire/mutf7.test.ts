import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { decodeMailboxUtf7, encodeMailboxUtf7 } from '../../../src/imap/wire/mutf7.js';
import { ParseError } from '../../../src/imap/wire/errors.js';

const examples: Array<[string, string]> = [
  // RFC 3501 §5.1.3
  ['~peter/mail/台北/日本語', '~peter/mail/&U,BTFw-/&ZeVnLIqe-'],
  ['INBOX', 'INBOX'],
  ['Tom & Jerry', 'Tom &- Jerry'],
  ['Entwürfe', 'Entw&APw-rfe'],
  ['Gelöschte Objekte', 'Gel&APY-schte Objekte'],
  ['😀', '&2D3eAA-'],
  ['', ''],
];

test('RFC examples both ways', () => {
  for (const [utf8, mutf7] of examples) {
    assert.equal(encodeMailboxUtf7(utf8), mutf7);
    assert.equal(decodeMailboxUtf7(mutf7), utf8);
  }
});

test('invalid input gives a ParseError with a clear message', () => {
  const cases: Array<[string, RegExp]> = [
    ['Entw&APw', /"&" at position 5 has no closing "-"/],
    ['Entw&AP!-', /invalid modified BASE64/],
    ['Entwürfe', /character U\+00FC at position 5 must be encoded/],
    ['a&AP-', /does not end on a character/],
    ['a&APx-', /stray bits/],
    ['a&2D0-', /broken surrogate pair/],
    ['a&2D3YPQ-', /broken surrogate pair/],
    ['a&3gA-', /broken surrogate pair/],
    ['tab\there', /U\+0009/],
  ];
  for (const [raw, message] of cases) {
    assert.throws(() => decodeMailboxUtf7(raw), (e: unknown) => e instanceof ParseError && message.test(e.message), raw);
  }
});

test('tolerated: encoded printable ASCII, adjacent runs', () => {
  assert.equal(decodeMailboxUtf7('&AGE-'), 'a');
  assert.equal(decodeMailboxUtf7('&APw-&APw-'), 'üü');
});

test('round trip for any string of well-formed UTF-16', () => {
  fc.assert(
    fc.property(fc.string({ unit: 'grapheme', maxLength: 30 }), (s) => {
      const enc = encodeMailboxUtf7(s);
      assert.match(enc, /^[\x20-\x7e]*$/);
      assert.equal(decodeMailboxUtf7(enc), s);
    }),
    { numRuns: 300 },
  );
  fc.assert(
    fc.property(fc.string({ unit: fc.constantFrom('&', '-', 'a', 'é', '😀', ',', '/', ' '), maxLength: 20 }), (s) => {
      assert.equal(decodeMailboxUtf7(encodeMailboxUtf7(s)), s);
    }),
    { numRuns: 300 },
  );
});
