import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeCharset, decodeTransfer, decodeWords } from '../../src/mime/decode.js';

test('base64 tolerates line breaks, garbage and concatenated padded segments (RFC 2045 §6.8)', () => {
  assert.equal(decodeTransfer(Buffer.from('aGVs\r\nbG8=\r\n'), 'base64').toString(), 'hello');
  assert.equal(decodeTransfer(Buffer.from('aGV*s!bG8'), 'BASE64').toString(), 'hello');
  assert.equal(decodeTransfer(Buffer.from('YQ==YQ=='), 'base64').toString(), 'aa');
  assert.equal(decodeTransfer(Buffer.from(''), 'base64').length, 0);
});

test('quoted-printable: =XX, soft breaks, trailing white space, stray "=" (RFC 2045 §6.7)', () => {
  const qp = (s: string): string => decodeTransfer(Buffer.from(s, 'latin1'), 'quoted-printable').toString('latin1');
  assert.equal(qp('caf=E9 =c3=a9'), 'caf\xe9 \xc3\xa9');
  assert.equal(qp('long=\r\nline=\nend'), 'longlineend');
  assert.equal(qp('soft= \t\r\nx'), 'softx');
  assert.equal(qp('trail   \r\nx'), 'trail\r\nx');
  assert.equal(qp('a=zz=4'), 'a=zz=4');
  assert.equal(qp('end='), 'end');
});

test('7bit, 8bit, binary and unknown encodings are returned as they are', () => {
  const b = Buffer.from([0, 1, 0xff, 0x3d]);
  for (const e of ['7bit', '8BIT', 'binary', 'x-uuencode']) assert.deepEqual(decodeTransfer(b, e), b);
});

test('charsets: TextDecoder/iconv-lite, windows-1252 for Latin-1 labels, fallback never throws', () => {
  assert.equal(decodeCharset(Buffer.from([0x80, 0x93, 0x94]), 'windows-1252'), '€“”');
  assert.equal(decodeCharset(Buffer.from([0xe9]), 'ISO-8859-1'), 'é');
  assert.equal(decodeCharset(Buffer.from([0xf0, 0xd2, 0xc9, 0xd7, 0xc5, 0xd4]), 'koi8-r'), 'Привет');
  assert.equal(decodeCharset(Buffer.from('\x1b$B$3$s\x1b(B', 'latin1'), 'iso-2022-jp'), 'こん');
  assert.equal(decodeCharset(Buffer.from([0xc4, 0xe3, 0xba, 0xc3]), 'gb2312'), '你好');
  assert.equal(decodeCharset(Buffer.from('+AOk-', 'latin1'), 'utf-7'), 'é');
  // Unknown charset: UTF-8 when valid, Windows-1252 otherwise.
  assert.equal(decodeCharset(Buffer.from('é'), 'x-bogus'), 'é');
  assert.equal(decodeCharset(Buffer.from([0xe9]), 'x-bogus'), 'é');
  assert.equal(decodeCharset(Buffer.from([0xe9]), null), 'é');
  assert.equal(decodeCharset(Buffer.from('é'), 'us-ascii'), 'é');
  assert.equal(decodeCharset(Buffer.from('abc'), '"utf-8"'), 'abc');
  assert.equal(typeof decodeCharset(Buffer.from([0xff, 0xfe]), 'iso-2022-kr'), 'string');
});

test('RFC 2047 encoded words: Q and B, adjacent joined, split multi-byte, malformed kept', () => {
  assert.equal(decodeWords('=?utf-8?q?caf=C3=A9_au_lait?='), 'café au lait');
  assert.equal(decodeWords('=?UTF-8?B?w6k=?='), 'é');
  assert.equal(decodeWords('a =?utf-8?q?x?= =?utf-8?q?y?= b'), 'a xy b');
  assert.equal(decodeWords('=?utf-8?q?Hello_?=\r\n =?utf-8?q?World?='), 'Hello World');
  // One UTF-8 character split over two words (RFC 2047 §5 forbids it, mailers do it anyway).
  assert.equal(decodeWords('=?utf-8?B?YcM=?= =?utf-8?B?qQ==?='), 'aé');
  assert.equal(decodeWords('=?utf-8?q?=C3?= =?utf-8?q?=A9?='), 'é');
  assert.equal(decodeWords('=?iso-8859-1?q?a?= =?koi8-r?b?8A==?='), 'aП');
  assert.equal(decodeWords('=?utf-8*en?q?x?='), 'x');
  assert.equal(decodeWords('=?utf-8?x?bad?= and =?broken'), '=?utf-8?x?bad?= and =?broken');
  assert.equal(decodeWords('plain'), 'plain');
});
