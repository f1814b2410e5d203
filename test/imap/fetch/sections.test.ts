// BODY[section]<partial>, the RFC822 forms, streaming, BINARY (RFC 9051 §6.4.5, §7.5.2; RFC 3516).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildFetchData, UnknownCteError } from '../../../src/imap/fetch/index.js';
import { ImapError } from '../../../src/imap/commands/types.js';
import type { FetchAtt, Partial, Section } from '../../../src/imap/wire/ast.js';
import { Literal, StreamLiteral } from '../../../src/imap/wire/data.js';
import { at, bytes, fakeDeps, meta, root, slice } from './fixture.js';
import { defaults, fetch, lit } from './helpers.js';

const body = (section: Section, partial: Partial | null = null, peek = true): FetchAtt => ({ kind: 'BODY[]', section, partial, peek });
const binary = (part: number[], partial: Partial | null = null): FetchAtt => ({ kind: 'BINARY[]', section: { part, text: null }, partial, peek: true });
const sec = (part: number[], text: Section['text'] = null): Section => ({ part, text });
const child = (n: number) => root.children[n - 1]!;

test('BODY[] is the whole message and needs no summary', async () => {
  const deps = fakeDeps();
  assert.deepEqual(await fetch([body(sec([]))], {}, undefined, deps), [['BODY[]', lit(bytes)]]);
  assert.equal(deps.calls.summary, 0);
});

test('partials: origin in the name, truncation, beyond the end is empty (RFC 9051 §6.4.5)', async () => {
  assert.deepEqual(await fetch([body(sec([]), { offset: 0, length: 10 })]), [['BODY[]<0>', lit(slice(0, 10))]]);
  assert.deepEqual(await fetch([body(sec([]), { offset: bytes.length - 5, length: 100 })]), [
    [`BODY[]<${bytes.length - 5}>`, lit(slice(bytes.length - 5, bytes.length))],
  ]);
  assert.deepEqual(await fetch([body(sec([]), { offset: 0, length: 1_000_000 })]), [['BODY[]<0>', lit(bytes)]]);
  assert.deepEqual(await fetch([body(sec([]), { offset: 99_999, length: 10 })]), [['BODY[]<99999>', '']]);
  assert.deepEqual(await fetch([body(sec([1]), { offset: 2, length: 3 })]), [['BODY[1]<2>', lit('=C3')]]);
});

test('numbered parts, MIME, HEADER, TEXT, nested message parts', async () => {
  const p1 = child(1);
  const p3 = child(3);
  const inner = p3.message!.root;
  assert.deepEqual(await fetch([body(sec([1])), body(sec([1], 'MIME')), body(sec([], 'HEADER')), body(sec([], 'TEXT'))]), [
    ['BODY[1]', lit('Gr=C3=BC=C3=9Fe=\r\n aus K=C3=B6ln')],
    ['BODY[1.MIME]', lit(slice(p1.headerStart, p1.bodyStart))],
    ['BODY[HEADER]', lit(slice(0, root.bodyStart))],
    ['BODY[TEXT]', lit(slice(root.bodyStart, root.bodyEnd))],
  ]);
  assert.deepEqual(await fetch([body(sec([3], 'HEADER')), body(sec([3], 'TEXT')), body(sec([3, 1])), body(sec([3]))]), [
    ['BODY[3.HEADER]', lit('Subject: inner\r\n\r\n')],
    ['BODY[3.TEXT]', lit('inner body')],
    ['BODY[3.1]', lit('inner body')],
    ['BODY[3]', lit(slice(inner.headerStart, inner.bodyEnd))],
  ]);
});

test('a part that does not exist is the empty string', async () => {
  assert.deepEqual(await fetch([body(sec([9])), body(sec([1], 'HEADER')), body(sec([1, 2, 3]))]), [
    ['BODY[9]', ''],
    ['BODY[1.HEADER]', ''],
    ['BODY[1.2.3]', ''],
  ]);
});

test('HEADER.FIELDS and HEADER.FIELDS.NOT echo the field list and subset the header', async () => {
  assert.deepEqual(await fetch([body(sec([], { fields: ['subject', 'From'], not: false }))]), [
    ['BODY[HEADER.FIELDS (SUBJECT FROM)]', lit('From: Alice <alice@example.com>\r\nSubject: Test\r\n\r\n')],
  ]);
  assert.deepEqual(await fetch([body(sec([], { fields: ['From', 'To', 'MIME-Version', 'Content-Type'], not: true }))]), [
    ['BODY[HEADER.FIELDS.NOT (FROM TO MIME-VERSION CONTENT-TYPE)]', lit('Subject: Test\r\n\r\n')],
  ]);
  // The partial applies after subsetting (RFC 9051 §6.4.5 note).
  assert.deepEqual(await fetch([body(sec([], { fields: ['Subject'], not: false }), { offset: 9, length: 4 })]), [
    ['BODY[HEADER.FIELDS (SUBJECT)]<9>', lit('Test')],
  ]);
  assert.deepEqual(await fetch([body(sec([3], { fields: ['subject'], not: false }))]), [['BODY[3.HEADER.FIELDS (SUBJECT)]', lit('Subject: inner\r\n\r\n')]]);
  assert.deepEqual(await fetch([body(sec([2], { fields: ['subject'], not: false }))]), [['BODY[2.HEADER.FIELDS (SUBJECT)]', '']]);
});

test('BODY[] and BODY.PEEK[] answer as one BODY[] item', async () => {
  assert.deepEqual(await fetch([body(sec([1]), null, false), body(sec([1]), null, true)]), [['BODY[1]', lit('Gr=C3=BC=C3=9Fe=\r\n aus K=C3=B6ln')]]);
});

test('RFC822, RFC822.HEADER, RFC822.TEXT', async () => {
  assert.deepEqual(await fetch([{ kind: 'RFC822.HEADER' }, { kind: 'RFC822.TEXT' }, { kind: 'RFC822' }]), [
    ['RFC822.HEADER', lit(slice(0, root.bodyStart))],
    ['RFC822.TEXT', lit(slice(root.bodyStart, root.bodyEnd))],
    ['RFC822', lit(bytes)],
  ]);
});

test('sections above the threshold are streamed, with fresh streams each time', async () => {
  const deps = fakeDeps();
  const data = await buildFetchData([body(sec([])), body(sec([2]))], { msn: 1, meta }, deps, { ...defaults, streamThreshold: 20 });
  const whole = data[1];
  assert.ok(whole instanceof StreamLiteral);
  assert.equal(whole.size, bytes.length);
  for (let i = 0; i < 2; i++) {
    const chunks: Buffer[] = [];
    for await (const chunk of whole.open()) chunks.push(chunk as Buffer);
    assert.deepEqual(Buffer.concat(chunks), bytes);
  }
  assert.deepEqual(deps.calls.stream, [[0, bytes.length], [0, bytes.length]]);
  assert.deepEqual(deps.calls.read, [[child(2).bodyStart, child(2).bodyEnd]], 'only the small section is read into memory');
  const small = data[3];
  assert.ok(small instanceof Literal, 'small sections stay literals');
  assert.equal(small.bytes.toString(), 'AAECAw==');
});

test('BINARY decodes quoted-printable and base64; literal8 only with NUL', async () => {
  assert.deepEqual(await fetch([binary([1]), binary([2]), binary([2], { offset: 1, length: 2 }), binary([3, 1])]), [
    ['BINARY[1]', lit('Grüße aus Köln')],
    ['BINARY[2]', lit(Buffer.from([0, 1, 2, 3]), true)],
    ['BINARY[2]<1>', lit(Buffer.from([1, 2]), false)],
    ['BINARY[3.1]', lit('inner body')],
  ]);
});

test('BINARY.SIZE is the decoded size; missing parts are "" and 0', async () => {
  assert.deepEqual(
    await fetch([
      { kind: 'BINARY.SIZE', section: sec([1]) },
      { kind: 'BINARY.SIZE', section: sec([2]) },
      { kind: 'BINARY.SIZE', section: sec([9]) },
      binary([9]),
    ]),
    [
      ['BINARY.SIZE[1]', Buffer.byteLength('Grüße aus Köln')],
      ['BINARY.SIZE[2]', 4],
      ['BINARY.SIZE[9]', 0],
      ['BINARY[9]', ''],
    ],
  );
});

test('BINARY of an unknown transfer encoding fails with NO [UNKNOWN-CTE]', async () => {
  for (const att of [binary([4]), { kind: 'BINARY.SIZE', section: sec([4]) } as FetchAtt]) {
    await assert.rejects(
      () => fetch([att]),
      (e: unknown) => e instanceof UnknownCteError && e instanceof ImapError && e.status === 'NO' && e.code === 'UNKNOWN-CTE',
    );
  }
});

test('the fixture offsets are what the test thinks they are', () => {
  assert.equal(slice(child(2).bodyStart, child(2).bodyEnd).toString(), 'AAECAw==');
  assert.equal(at('--b1'), root.bodyStart);
});
