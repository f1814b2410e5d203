import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseMessage } from '../../src/mime/parse.js';
import { binaryContent, headerFields, sectionRange } from '../../src/mime/section.js';
import { bodyStructureData } from '../../src/mime/imap-data.js';
import { serialize } from './serialize.js';
import type { Section } from '../../src/imap/wire/ast.js';

// The RFC 9051 §6.4.5 example shape, small: mixed > (text, rfc822 > mixed > (text, alternative > (text, html)), image)
const inner = [
  'Subject: inner',
  'Content-Type: multipart/mixed; boundary=IN',
  '',
  '--IN',
  'Content-Type: text/plain',
  '',
  'inner text',
  '--IN',
  'Content-Type: multipart/alternative; boundary=ALT',
  '',
  '--ALT',
  'Content-Type: text/plain',
  '',
  'alt plain',
  '--ALT',
  'Content-Type: text/html',
  'X-Folded: a',
  ' b',
  '',
  '<p>alt html</p>',
  '--ALT--',
  '--IN--',
  '',
].join('\r\n');
const raw = [
  'From: a@example.com',
  'Subject: outer',
  'X-Folded: first',
  '\tsecond',
  'Content-Type: multipart/mixed; boundary=OUT',
  '',
  '--OUT',
  'Content-Type: text/plain; charset=utf-8',
  'Content-Transfer-Encoding: quoted-printable',
  '',
  'caf=C3=A9',
  '--OUT',
  'Content-Type: message/rfc822',
  '',
  inner,
  '--OUT',
  'Content-Type: image/png',
  'Content-Transfer-Encoding: base64',
  '',
  'iVBORw0KGgo=',
  '--OUT',
  'Content-Type: application/x-thing',
  'Content-Transfer-Encoding: x-uuencode',
  '',
  'begin 644 x',
  '--OUT--',
  '',
].join('\r\n');
const bytes = Buffer.from(raw);
const root = parseMessage(bytes).root;

function get(spec: string): string | null {
  const parts = spec === '' ? [] : spec.split('.');
  const part: number[] = [];
  while (parts.length > 0 && /^\d+$/.test(parts[0] as string)) part.push(Number(parts.shift()));
  const text = parts.length === 0 ? null : (parts.join('.') as Section['text']);
  const range = sectionRange(root, { part, text } as Section);
  return range === null ? null : bytes.subarray(range.start, range.end).toString();
}

test('RFC 9051 §6.4.5 part numbering, HEADER/TEXT/MIME', () => {
  assert.equal(get(''), raw);
  assert.ok(get('HEADER')?.startsWith('From: a@example.com\r\n'));
  assert.ok(get('HEADER')?.endsWith('boundary=OUT\r\n\r\n'));
  assert.ok(get('TEXT')?.startsWith('--OUT\r\n'));
  assert.equal(get('1'), 'caf=C3=A9');
  assert.equal(get('1.MIME'), 'Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n');
  assert.equal(get('2'), inner);
  assert.equal(get('2.HEADER'), 'Subject: inner\r\nContent-Type: multipart/mixed; boundary=IN\r\n\r\n');
  assert.ok(get('2.TEXT')?.startsWith('--IN\r\n'));
  assert.equal(get('2.MIME'), 'Content-Type: message/rfc822\r\n\r\n');
  assert.equal(get('2.1'), 'inner text');
  assert.equal(get('2.2.1'), 'alt plain');
  assert.equal(get('2.2.2'), '<p>alt html</p>');
  assert.equal(get('2.2.2.MIME'), 'Content-Type: text/html\r\nX-Folded: a\r\n b\r\n\r\n');
  assert.equal(get('2.2.MIME'), 'Content-Type: multipart/alternative; boundary=ALT\r\n\r\n');
  assert.equal(get('3'), 'iVBORw0KGgo=');
});

test('nonexistent parts and sections that do not apply are null', () => {
  for (const spec of ['5', '0', '1.1', '1.HEADER', '1.TEXT', '2.3', '2.2.3', '2.1.1', '3.HEADER', 'MIME', '2.2.2.1']) {
    assert.equal(get(spec), null, spec);
  }
});

test('a non-multipart message has only part 1, its body; part 1.MIME is its header', () => {
  const b = Buffer.from('Subject: x\r\n\r\nbody\r\n');
  const r = parseMessage(b).root;
  assert.deepEqual(sectionRange(r, { part: [1], text: null }), { start: 14, end: 20 });
  assert.deepEqual(sectionRange(r, { part: [1], text: 'MIME' }), { start: 0, end: 14 });
  assert.equal(sectionRange(r, { part: [2], text: null }), null);
  assert.equal(sectionRange(r, { part: [1], text: 'HEADER' }), null);
});

test('partial ranges are slices of the section range (RFC 9051 §6.4.5 <origin.size>)', () => {
  const range = sectionRange(root, { part: [2, 2, 1], text: null });
  assert.ok(range);
  const partial = (origin: number, size: number): string =>
    bytes.subarray(Math.min(range.start + origin, range.end), Math.min(range.start + origin + size, range.end)).toString();
  assert.equal(partial(0, 3), 'alt');
  assert.equal(partial(4, 100), 'plain');
  assert.equal(partial(100, 5), '');
});

test('HEADER.FIELDS keeps original bytes with folding, then a blank line; .NOT the rest', () => {
  const range = sectionRange(root, { part: [], text: { fields: ['x-folded', 'SUBJECT'], not: false } });
  assert.ok(range);
  const header = bytes.subarray(range.start, range.end);
  assert.equal(headerFields(header, ['x-folded', 'SUBJECT'], false).toString(), 'Subject: outer\r\nX-Folded: first\r\n\tsecond\r\n\r\n');
  assert.equal(headerFields(header, ['x-folded', 'subject'], true).toString(), 'From: a@example.com\r\nContent-Type: multipart/mixed; boundary=OUT\r\n\r\n');
  assert.equal(headerFields(header, ['nothing'], false).toString(), '\r\n');
  // Bare LF headers keep their LFs; a last field without line end gets CRLF.
  assert.equal(headerFields(Buffer.from('A: 1\nB: 2'), ['a', 'b'], false).toString(), 'A: 1\nB: 2\r\n\r\n');
  const r2 = sectionRange(root, { part: [2], text: { fields: ['subject'], not: false } });
  assert.ok(r2);
  assert.equal(headerFields(bytes.subarray(r2.start, r2.end), ['subject'], false).toString(), 'Subject: inner\r\n\r\n');
});

test('binaryContent (RFC 3516): decoded parts, whole message, unknown CTE, missing part', () => {
  assert.equal((binaryContent(bytes, root, [1]) as Buffer).toString(), 'café');
  assert.deepEqual(binaryContent(bytes, root, [3]), Buffer.from('iVBORw0KGgo=', 'base64'));
  assert.deepEqual(binaryContent(bytes, root, []), bytes);
  assert.equal(binaryContent(bytes, root, [4]), 'unknown-cte');
  assert.equal(binaryContent(bytes, root, [9]), null);
  assert.equal((binaryContent(bytes, root, [2]) as Buffer).toString(), inner);
  assert.equal((binaryContent(bytes, root, [2, 2, 2]) as Buffer).toString(), '<p>alt html</p>');
});

test('BODY (non-extended) has no extension data', () => {
  assert.equal(
    serialize(bodyStructureData(parseMessage(Buffer.from('Content-Type: text/plain; charset=utf-8\r\n\r\nhi\r\n')).root, false)),
    '("TEXT" "PLAIN" ("CHARSET" "utf-8") NIL NIL "7BIT" 4 1)',
  );
  const s = serialize(bodyStructureData(root, false));
  assert.ok(s.endsWith(' "MIXED")'), s);
  assert.ok(!s.includes('BOUNDARY'));
});
