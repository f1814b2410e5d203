// bodyTextUpTo (src/mime/text.ts): the SQLite store's bounded body text. Whenever it gives a text,
// it must be extractBodyText's text exactly (SEARCH reads that string from the row); it gives null
// for every text longer than the limit, and for a plain text only then.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeMessage } from '../../src/mime/analyze.js';
import { parseMessage } from '../../src/mime/parse.js';
import { asciiTextLength, decodeCharset } from '../../src/mime/decode.js';
import { bodyTextUpTo, extractBodyText } from '../../src/mime/text.js';

function both(bytes: Buffer, limit: number): { full: string; bounded: string | null } {
  const root = parseMessage(bytes).root;
  return { full: extractBodyText(bytes, root), bounded: bodyTextUpTo(bytes, root, limit) };
}

function checkAgreement(bytes: Buffer, limit: number): void {
  const { full, bounded } = both(bytes, limit);
  if (bounded !== null) assert.equal(bounded, full);
  if (full.length > limit) assert.equal(bounded, null);
}

const plain = (body: string): Buffer => Buffer.from(`Subject: t\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\n${body}`, 'latin1');

test('a plain text gives itself up to the limit and null past it, at every length around the limit', () => {
  const limit = 100;
  for (let n = 90; n <= 110; n++) {
    const bytes = plain('x'.repeat(n));
    const { full, bounded } = both(bytes, limit);
    assert.equal(full.length, n + 1); // each text part ends with "\n"
    assert.equal(bounded, full.length <= limit ? full : null, `body of ${n}`);
  }
});

test('a long part is not decoded whole: 200 KB of text comes back null at a 32 KiB limit', () => {
  const bytes = plain('alpha bravo charlie\r\n'.repeat(10_000));
  assert.equal(bodyTextUpTo(bytes, parseMessage(bytes).root, 32 * 1024), null);
  assert.ok(extractBodyText(bytes, parseMessage(bytes).root).length > 200_000);
});

test('a long plain ASCII part is found too long by its length: no string of it is made', () => {
  const bytes = plain('alpha bravo charlie\r\n'.repeat(10_000));
  const root = parseMessage(bytes).root;
  const original = Buffer.prototype.toString;
  let decodedBytes = 0;
  Buffer.prototype.toString = function (this: Buffer, ...args: unknown[]): string {
    decodedBytes += this.length;
    return (original as (...a: unknown[]) => string).apply(this, args);
  } as typeof Buffer.prototype.toString;
  try {
    assert.equal(bodyTextUpTo(bytes, root, 32 * 1024), null);
  } finally {
    Buffer.prototype.toString = original;
  }
  assert.ok(decodedBytes < 1024, `${decodedBytes} bytes decoded`);
});

test('asciiTextLength answers only where it is decodeCharset\'s length', () => {
  const inputs = [Buffer.from('plain text\r\nwith a NUL \0 and +AGE- ~{ }~', 'latin1'), Buffer.from('h\u00e9llo', 'utf8'), Buffer.from([0x1b, 0x24, 0x42, 0x30, 0x21, 0x1b, 0x28, 0x42])];
  const charsets = [null, '', 'us-ascii', '"UTF-8"', 'utf8', 'x-unknown', 'utf-8*en', 'utf-16', 'utf-16le', 'utf-7', 'iso-2022-jp', 'hz-gb-2312', 'windows-1252', 'koi8-r'];
  for (const bytes of inputs) {
    for (const charset of charsets) {
      const known = asciiTextLength(bytes, charset);
      if (known !== null) assert.equal(known, decodeCharset(bytes, charset).length, `${charset}: ${bytes.toString('latin1')}`);
    }
  }
  assert.equal(asciiTextLength(inputs[0] as Buffer, 'us-ascii'), (inputs[0] as Buffer).length);
  assert.equal(asciiTextLength(inputs[0] as Buffer, null), (inputs[0] as Buffer).length);
  assert.equal(asciiTextLength(inputs[1] as Buffer, 'utf-8'), null, 'not ASCII');
  for (const charset of ['utf-16', 'utf-7', 'iso-2022-jp']) assert.equal(asciiTextLength(inputs[0] as Buffer, charset), null, charset);
});

test('base64 and quoted-printable parts: windows grow until the text is known', () => {
  const text = 'Grüße aus Köln, ' + 'é'.repeat(40) + '\r\n';
  const b64 = Buffer.from(text.repeat(3), 'utf8').toString('base64').replace(/.{76}/g, '$&\r\n');
  const qp = text.repeat(3).replace(/[^\x20-\x7e\r\n]/g, (c) => [...Buffer.from(c, 'utf8')].map((b) => `=${b.toString(16).toUpperCase()}`).join(''));
  for (const [encoding, body] of [['base64', b64], ['quoted-printable', qp]] as const) {
    const bytes = Buffer.from(`Subject: t\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: ${encoding}\r\n\r\n${body}`, 'latin1');
    const full = extractBodyText(bytes, parseMessage(bytes).root);
    assert.ok(full.includes('Grüße aus Köln'), encoding);
    // The raw part is longer than the text: the first window (limit + 1 raw bytes) is too short.
    assert.equal(bodyTextUpTo(bytes, parseMessage(bytes).root, full.length), full, encoding);
    assert.equal(bodyTextUpTo(bytes, parseMessage(bytes).root, full.length - 1), null, encoding);
  }
});

test('HTML stripped to a short text from a long part: a text or null, never a different text', () => {
  const html = '<html><body>' + '<p style="margin:0">hi</p>'.repeat(200) + '</body></html>';
  const bytes = Buffer.from(`Subject: t\r\nContent-Type: text/html\r\n\r\n${html}`, 'latin1');
  for (const limit of [10, 100, 400, 600, 1000, 5000]) checkAgreement(bytes, limit);
});

test('the analyzer gives the bounded text when asked for a limit, the whole text without', () => {
  const bytes = plain('y'.repeat(500));
  assert.equal(analyzeMessage(bytes, 100).bodyText, null);
  assert.equal(analyzeMessage(bytes, 1000).bodyText, analyzeMessage(bytes).bodyText);
  assert.equal(analyzeMessage(bytes).bodyText.length, 501);
});

test('golden fixtures: the bounded text agrees with the whole one at every limit tried', () => {
  const dir = join(process.cwd(), 'test/fixtures/mail');
  const names = readdirSync(dir).filter((n) => n.endsWith('.eml'));
  assert.ok(names.length >= 30);
  for (const name of names) {
    const bytes = readFileSync(join(dir, name));
    const length = extractBodyText(bytes, parseMessage(bytes).root).length;
    for (const limit of [0, 1, 16, length - 1, length, length + 1, 32 * 1024]) if (limit >= 0) checkAgreement(bytes, limit);
  }
});

// Multipart mail with text, HTML, encoded and attached parts in random order and sizes.
const partArb = fc.record({
  subtype: fc.constantFrom('plain', 'html'),
  encoding: fc.constantFrom('7bit', 'base64', 'quoted-printable'),
  text: fc.string({ maxLength: 300 }),
  name: fc.option(fc.constantFrom('a.txt', '=?utf-8?q?r=C3=A9sum=C3=A9?=.txt'), { nil: undefined }),
});

function encode(text: string, encoding: string): string {
  const bytes = Buffer.from(text, 'utf8');
  if (encoding === 'base64') return bytes.toString('base64').replace(/.{76}/g, '$&\r\n');
  if (encoding === 'quoted-printable') return [...bytes].map((b) => (b >= 33 && b <= 126 && b !== 61 ? String.fromCharCode(b) : `=${b.toString(16).toUpperCase().padStart(2, '0')}`)).join('').replace(/.{72}/g, '$&=\r\n');
  return text.replace(/\r|\n/g, ' ');
}

test('property: on random multipart mail the bounded text is the whole text or null, and null past the limit', () => {
  fc.assert(
    fc.property(fc.array(partArb, { minLength: 1, maxLength: 5 }), fc.nat({ max: 1200 }), (parts, limit) => {
      const body = parts
        .map((p) => {
          const disposition = p.name === undefined ? '' : `Content-Disposition: attachment; filename="${p.name}"\r\n`;
          return `--b\r\nContent-Type: text/${p.subtype}; charset=utf-8\r\nContent-Transfer-Encoding: ${p.encoding}\r\n${disposition}\r\n${encode(p.text, p.encoding)}\r\n`;
        })
        .join('');
      const bytes = Buffer.from(`Subject: t\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n${body}--b--\r\n`, 'latin1');
      checkAgreement(bytes, limit);
    }),
    { numRuns: 300 },
  );
});
