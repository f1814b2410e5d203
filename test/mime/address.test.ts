import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseAddressList } from '../../src/mime/address.js';
import { parseDate } from '../../src/mime/date.js';

const a = (name: string | null, mailbox: string | null, host: string | null, adl: string | null = null) => ({ name, adl, mailbox, host });

test('mailboxes: display names quoted or not, comments, encoded words kept', () => {
  assert.deepEqual(parseAddressList('"Doe, John" <john@example.com>, Jane Q. Public <jane@example.com>'), [
    a('Doe, John', 'john', 'example.com'),
    a('Jane Q. Public', 'jane', 'example.com'),
  ]);
  assert.deepEqual(parseAddressList('john@example.com (John Doe)'), [a('John Doe', 'john', 'example.com')]);
  assert.deepEqual(parseAddressList('=?utf-8?q?J=C3=B6rg?= <j@x.de>'), [a('=?utf-8?q?J=C3=B6rg?=', 'j', 'x.de')]);
  assert.deepEqual(parseAddressList('"quoted \\"inner\\"" <q@x>'), [a('quoted "inner"', 'q', 'x')]);
  assert.deepEqual(parseAddressList('john . doe @ example . com'), [a(null, 'john.doe', 'example.com')]);
});

test('groups (RFC 5322 §3.4) become start and end markers (RFC 9051 §7.5.2)', () => {
  assert.deepEqual(parseAddressList('undisclosed-recipients:;'), [a(null, 'undisclosed-recipients', null), a(null, null, null)]);
  assert.deepEqual(parseAddressList('A Team: x@y, "Z" <z@y>; , w@v'), [
    a(null, 'A Team', null),
    a(null, 'x', 'y'),
    a('Z', 'z', 'y'),
    a(null, null, null),
    a(null, 'w', 'v'),
  ]);
  // Unterminated group: closed at the end.
  assert.deepEqual(parseAddressList('G: x@y'), [a(null, 'G', null), a(null, 'x', 'y'), a(null, null, null)]);
});

test('route-addr, bare local part, domain literal, garbage', () => {
  assert.deepEqual(parseAddressList('<@a.example,@b.example:c@d.example>'), [a(null, 'c', 'd.example', '@a.example,@b.example')]);
  assert.deepEqual(parseAddressList('root'), [a(null, 'root', 'MISSING_DOMAIN')]);
  assert.deepEqual(parseAddressList('u@[10.0.0.1]'), [a(null, 'u', '[10.0.0.1]')]);
  assert.deepEqual(parseAddressList(''), []);
  assert.deepEqual(parseAddressList('<>'), []);
  for (const junk of ['<<<>>>', '@@@', ':::;;;', '"unterminated <x@y', '(unterminated <x@y', 'a@', '@b', '<a@b', ',,,']) {
    assert.ok(Array.isArray(parseAddressList(junk)), junk);
  }
});

test('dates: RFC 5322 date-time and its common malformations', () => {
  assert.deepEqual(parseDate('Tue, 2 Jan 2024 09:30:00 +0130'), { ms: Date.UTC(2024, 0, 2, 8, 0, 0), offsetMinutes: 90 });
  assert.deepEqual(parseDate('2 Jan 2024 09:30 -0800 (PST)'), { ms: Date.UTC(2024, 0, 2, 17, 30, 0), offsetMinutes: -480 });
  assert.deepEqual(parseDate('Tuesday, 02-January-99 09:30:00 GMT'), { ms: Date.UTC(1999, 0, 2, 9, 30, 0), offsetMinutes: 0 });
  assert.deepEqual(parseDate('2 Jan 2024 09:30:00'), { ms: Date.UTC(2024, 0, 2, 9, 30, 0), offsetMinutes: 0 });
  assert.deepEqual(parseDate('2 Jan 2024 09:30:00 +01:00'), { ms: Date.UTC(2024, 0, 2, 8, 30, 0), offsetMinutes: 60 });
  assert.equal(parseDate('yesterday'), null);
  assert.equal(parseDate('32 Jan 2024 10:00:00 +0000'), null);
  assert.equal(parseDate(''), null);
});
