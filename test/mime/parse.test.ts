import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseMessage, MAX_DEPTH } from '../../src/mime/parse.js';
import { analyzeMessage } from '../../src/mime/analyze.js';
import { bodyStructureData, envelopeData } from '../../src/mime/imap-data.js';
import { extractBodyText, MAX_BODY_TEXT } from '../../src/mime/text.js';
import type { MimePart } from '../../src/mime/types.js';

function checkOffsets(part: MimePart, length: number, depth = 0): void {
  assert.ok(depth <= MAX_DEPTH + 1);
  assert.ok(0 <= part.headerStart && part.headerStart <= part.bodyStart && part.bodyStart <= part.bodyEnd && part.bodyEnd <= length, JSON.stringify([part.headerStart, part.bodyStart, part.bodyEnd, length]));
  assert.equal(part.size, part.bodyEnd - part.bodyStart);
  for (const c of part.children) {
    assert.ok(c.headerStart >= part.bodyStart && c.bodyEnd <= part.bodyEnd);
    checkOffsets(c, length, depth + 1);
  }
  if (part.message) {
    assert.equal(part.message.root.headerStart, part.bodyStart);
    checkOffsets(part.message.root, length, depth + 1);
  }
}

test('headers: unfolded, lower-cased names, RFC 2047 decoded, 8-bit and NUL tolerated', () => {
  const bytes = Buffer.concat([
    Buffer.from('Subject: =?utf-8?q?caf=C3=A9?=\r\n  folded\r\nX-Raw: \xe9t\xe9\r\nX-Utf8: ', 'latin1'),
    Buffer.from('Grüße'),
    Buffer.from('\r\nX-Nul: a\0b\r\nNo colon line\r\n\r\nbody', 'latin1'),
  ]);
  const s = parseMessage(bytes);
  assert.deepEqual(s.headers, [
    ['subject', 'café  folded'],
    ['x-raw', 'été'],
    ['x-utf8', 'Grüße'],
    ['x-nul', 'a\uFFFDb'],
    ['no colon line', ''],
  ]);
  assert.equal(s.envelope.subject, '=?utf-8?q?caf=C3=A9?=  folded');
  assert.equal(s.root.bodyStart, bytes.length - 4);
});

test('defaults: no Content-Type is text/plain us-ascii, 7BIT (RFC 2045 §5.2, §6.1)', () => {
  const r = parseMessage(Buffer.from('Subject: x\n\nhello\nworld')).root;
  assert.deepEqual([r.type, r.subtype, r.params, r.encoding, r.size, r.lines], ['text', 'plain', [['charset', 'us-ascii']], '7BIT', 11, 2]);
});

test('sender and reply-to default to from; empty ones too (RFC 9051 §7.5.2)', () => {
  const e = parseMessage(Buffer.from('From: a@b\r\nReply-To:\r\nSender: <>\r\n\r\n')).envelope;
  assert.deepEqual(e.sender, e.from);
  assert.deepEqual(e.replyTo, e.from);
  const d = envelopeData(parseMessage(Buffer.from('\r\n')).envelope);
  assert.deepEqual(d, [null, null, null, null, null, null, null, null, null, null]);
});

test('base64-encoded message/global stays opaque and is sent as a basic body', () => {
  const raw = 'Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: message/global\r\nContent-Transfer-Encoding: base64\r\n\r\nU3ViamVjdDogeA0KDQp5\r\n--b--\r\n';
  const root = parseMessage(Buffer.from(raw)).root;
  const child = root.children[0] as MimePart;
  assert.equal(child.message, null);
  assert.deepEqual(bodyStructureData(child, false), ['MESSAGE', 'GLOBAL', null, null, null, 'BASE64', 20]);
});

test('deep nesting is bounded: beyond MAX_DEPTH parts are opaque', () => {
  let raw = 'Subject: deep\r\n';
  const n = 300;
  for (let i = 0; i < n; i++) raw += `Content-Type: multipart/mixed; boundary=b${i}\r\n\r\n--b${i}\r\n`;
  raw += 'Content-Type: text/plain\r\n\r\nleaf\r\n';
  const bytes = Buffer.from(raw);
  const root = parseMessage(bytes).root;
  checkOffsets(root, bytes.length);
  let depth = 0;
  for (let p: MimePart | undefined = root; p && p.children.length > 0; p = p.children[0]) depth++;
  assert.equal(depth, MAX_DEPTH);
  assert.ok(JSON.stringify(bodyStructureData(root, true)).length > 0);
  // Nested message/rfc822 too.
  const msgs = Buffer.from('Content-Type: message/rfc822\r\n\r\n'.repeat(500) + 'x');
  checkOffsets(parseMessage(msgs).root, msgs.length);
});

test('body text: decoded text parts, HTML stripped, attachment names, encapsulated headers, capped', () => {
  const raw = [
    'Content-Type: multipart/mixed; boundary=b',
    '',
    '--b',
    'Content-Type: text/html; charset=iso-8859-1',
    'Content-Transfer-Encoding: quoted-printable',
    '',
    '<style>p{}</style><p>Caf=E9 &amp; cr&#232;me</p>',
    '--b',
    'Content-Type: application/pdf; name="=?utf-8?q?r=C3=A9sum=C3=A9.pdf?="',
    'Content-Transfer-Encoding: base64',
    '',
    'JVBERi0=',
    '--b',
    'Content-Type: message/rfc822',
    '',
    'Subject: =?utf-8?q?inner_subj=C3=A9ct?=',
    '',
    'inner body',
    '--b--',
  ].join('\r\n');
  const { bodyText } = analyzeMessage(Buffer.from(raw, 'latin1'));
  assert.ok(bodyText.includes('Café & crème'), bodyText);
  assert.ok(!bodyText.includes('p{}'));
  assert.ok(bodyText.includes('résumé.pdf'));
  assert.ok(bodyText.includes('inner subjéct'));
  assert.ok(bodyText.includes('inner body'));
  assert.ok(!bodyText.includes('JVBERi0'));
  const big = Buffer.from('Subject: big\r\n\r\n' + 'x'.repeat(MAX_BODY_TEXT + 5000));
  assert.ok(extractBodyText(big, parseMessage(big).root).length <= MAX_BODY_TEXT);
});

// Fragments that steer random input towards the parser's interesting paths.
const fragments = [
  '\r\n', '\n', '\r', ' ', '\t', ':', ';', '"', '(', ')', '<', '>', '@', ',', '=', '--', '--b', '--b--', '--c', '\0', '\xff',
  'Content-Type: multipart/mixed; boundary=b\r\n', 'Content-Type: multipart/digest; boundary=c\r\n',
  'Content-Type: message/rfc822\r\n', 'Content-Type: text/plain; charset*0*=utf-8\'\'%C3; charset*1=x\r\n',
  'Content-Transfer-Encoding: base64\r\n', 'Content-Transfer-Encoding: quoted-printable\r\n',
  'From: "a" <b@c>, g:;\r\n', 'Subject: =?utf-8?q?x?=\r\n', 'Date: 1 Jan 2024 00:00 +0000\r\n', ' folded\r\n', 'x=41=\r\n',
];
const mailish = fc
  .array(fc.oneof(fc.constantFrom(...fragments), fc.string({ maxLength: 8 })), { maxLength: 60 })
  .map((xs) => Buffer.from(xs.join(''), 'latin1'));

function checkAll(bytes: Buffer): void {
  const s = parseMessage(bytes);
  checkOffsets(s.root, bytes.length);
  envelopeData(s.envelope);
  bodyStructureData(s.root, true);
  extractBodyText(bytes, s.root);
}

test('property: parseMessage never throws and offsets are ordered, on mail-like input', () => {
  fc.assert(fc.property(mailish, checkAll), { numRuns: 300 });
});

test('property: random bytes and mutated fixtures', () => {
  fc.assert(fc.property(fc.uint8Array({ maxLength: 300 }), (a) => checkAll(Buffer.from(a))), { numRuns: 200 });
  const dir = join(process.cwd(), 'test/fixtures/mail');
  const samples = readdirSync(dir)
    .filter((n) => n.endsWith('.eml'))
    .map((n) => readFileSync(join(dir, n)));
  const mutated = fc
    .tuple(fc.constantFrom(...samples), fc.array(fc.tuple(fc.nat(), fc.nat({ max: 8 }), fc.uint8Array({ maxLength: 6 })), { minLength: 1, maxLength: 5 }))
    .map(([base, edits]) => {
      let b = Buffer.from(base);
      for (const [at, del, ins] of edits) {
        const p = b.length === 0 ? 0 : at % b.length;
        b = Buffer.concat([b.subarray(0, p), Buffer.from(ins), b.subarray(Math.min(b.length, p + del))]);
      }
      return b;
    });
  fc.assert(fc.property(mutated, checkAll), { numRuns: 200 });
});
