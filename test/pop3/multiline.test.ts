// Table tests of the pure POP3 pieces: CRLF + byte-stuffing + TOP (RFC 1939 §3, §7, §11), the line
// reader, the capability list and the maildrop's numbering and marks.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { encodeMultiline, MultilineEncoder, sentSize } from '../../src/pop3/multiline.js';
import { LineReader } from '../../src/pop3/line-reader.js';
import { capabilityLines } from '../../src/pop3/capabilities.js';
import { Maildrop } from '../../src/pop3/maildrop.js';

const cases: Array<[string, string, number | null, string]> = [
  ['CRLF message unchanged', 'a\r\nb\r\n', null, 'a\r\nb\r\n.\r\n'],
  ['bare LF becomes CRLF', 'a\nb\n', null, 'a\r\nb\r\n.\r\n'],
  ['a missing final line end is added', 'a\nb', null, 'a\r\nb\r\n.\r\n'],
  ['lines starting with "." are stuffed', '.x\r\n..y\n.', null, '..x\r\n...y\r\n..\r\n.\r\n'],
  ['a dot inside a line is not', 'a.b\r\n x.\r\n', null, 'a.b\r\n x.\r\n.\r\n'],
  ['a bare CR stays data', 'a\rb\n', null, 'a\rb\r\n.\r\n'],
  ['a final CR gets its LF', 'a\r', null, 'a\r\n.\r\n'],
  ['an empty message', '', null, '.\r\n'],
  ['TOP 0: header and blank line', 'H: 1\r\nH: 2\r\n\r\nl1\r\nl2\r\nl3\r\n', 0, 'H: 1\r\nH: 2\r\n\r\n.\r\n'],
  ['TOP 2', 'H: 1\n\n.l1\nl2\nl3\n', 2, 'H: 1\r\n\r\n..l1\r\nl2\r\n.\r\n'],
  ['TOP beyond the end', 'H: 1\r\n\r\nl1', 10, 'H: 1\r\n\r\nl1\r\n.\r\n'],
  ['TOP without a blank line sends the whole header', 'H: 1\r\nH: 2\r\n', 1, 'H: 1\r\nH: 2\r\n.\r\n'],
];

describe('multi-line encoding', () => {
  for (const [name, input, top, expected] of cases) {
    it(name, () => {
      assert.equal(encodeMultiline(Buffer.from(input), top).toString(), expected);
      // The same at every split point of the input (the encoder works on stream chunks).
      for (let cut = 0; cut <= input.length; cut++) {
        const e = new MultilineEncoder({ stuff: true, bodyLines: top });
        const out = Buffer.concat([e.push(Buffer.from(input.slice(0, cut))), e.push(Buffer.from(input.slice(cut))), e.end()]);
        assert.equal(out.toString(), expected, `split at ${cut}`);
      }
    });
  }

  it('sent size counts CRLF line ends and not the stuffing (RFC 1939 §11)', () => {
    assert.equal(sentSize(Buffer.from('a\r\nb\r\n')), 6);
    assert.equal(sentSize(Buffer.from('a\nb\n')), 6);
    assert.equal(sentSize(Buffer.from('a\nb')), 6);
    assert.equal(sentSize(Buffer.from('.x\n')), 4);
    assert.equal(sentSize(Buffer.from('')), 0);
    for (const [, input] of cases) {
      const body = encodeMultiline(Buffer.from(input)).toString();
      const unstuffed = body.slice(0, -3).replace(/^\./gm, '');
      assert.equal(sentSize(Buffer.from(input)), Buffer.byteLength(unstuffed), JSON.stringify(input));
    }
  });
});

describe('line reader', () => {
  it('splits CRLF and LF lines across chunks, flags overlong lines and skips them', async () => {
    const r = new LineReader(10);
    r.push(Buffer.from('US'));
    r.push(Buffer.from('ER a\r\nNOOP\n0123456789abc'));
    r.push(Buffer.from('def\r\nQUIT\r\n'));
    r.end();
    const got = [];
    for (let x = await r.next(); x !== null; x = await r.next()) got.push(x.kind === 'line' ? x.text : '<too long>');
    assert.deepEqual(got, ['USER a', 'NOOP', '<too long>', 'QUIT']);
  });

  it('discard() drops what was read ahead (STLS)', async () => {
    const r = new LineReader(100);
    r.push(Buffer.from('STLS\r\nUSER injected\r\nPASS x'));
    assert.deepEqual(await r.next(), { kind: 'line', text: 'STLS' });
    r.discard();
    r.push(Buffer.from('CAPA\r\n'));
    assert.deepEqual(await r.next(), { kind: 'line', text: 'CAPA' });
  });
});

describe('capabilities', () => {
  it('STLS only without TLS, USER and SASL PLAIN LOGIN only where a password may be sent, SCRAM-SHA-256 always', () => {
    assert.deepEqual(capabilityLines({ secure: false, plaintextAuthAllowed: true }), [
      'TOP', 'UIDL', 'RESP-CODES', 'AUTH-RESP-CODE', 'PIPELINING', 'USER', 'SASL PLAIN LOGIN SCRAM-SHA-256', 'STLS', 'EXPIRE NEVER', 'IMPLEMENTATION Postkeep',
    ]);
    const noAuth = capabilityLines({ secure: false, plaintextAuthAllowed: false });
    assert.ok(noAuth.includes('STLS') && !noAuth.includes('USER') && noAuth.includes('SASL SCRAM-SHA-256'));
    const tls = capabilityLines({ secure: true, plaintextAuthAllowed: true });
    assert.ok(!tls.includes('STLS') && tls.includes('USER'));
  });
});

describe('maildrop', () => {
  const drop = (): Maildrop =>
    new Maildrop(7, 1234, [
      { uid: 3, blobId: 'a', size: 100 },
      { uid: 5, blobId: 'b', size: 200 },
      { uid: 9, blobId: 'c', size: 300 },
    ], 10);

  it('numbers, marks, reset and UIDL', () => {
    const d = drop();
    assert.deepEqual(d.stat(), { count: 3, size: 600 });
    d.mark(2);
    assert.deepEqual(d.stat(), { count: 2, size: 400 });
    assert.deepEqual(d.listing().map((e) => e.n), [1, 3]);
    assert.deepEqual(d.lookup('2'), { ok: false, text: 'Message 2 already deleted' });
    d.mark(3);
    assert.deepEqual(d.markedUids(), [5, 9]);
    d.reset();
    assert.deepEqual(d.markedUids(), []);
    const m = d.lookup('3');
    assert.ok(m.ok);
    assert.equal(d.uidl(m.message), '1234.9');
  });

  it('refuses bad message numbers with a clear text', () => {
    const d = drop();
    assert.deepEqual(d.lookup('4'), { ok: false, text: 'No such message, only 3 messages in maildrop' });
    assert.deepEqual(d.lookup('0'), { ok: false, text: 'No such message, only 3 messages in maildrop' });
    assert.deepEqual(d.lookup('x'), { ok: false, text: 'Invalid message number "x"' });
    assert.deepEqual(d.lookup(undefined), { ok: false, text: 'Message number required' });
  });

  it('learns expunges from other sessions', () => {
    const d = drop();
    d.learnExpunged([5], 12);
    assert.equal(d.modseq, 12);
    const m = d.lookup('2');
    assert.ok(m.ok && d.isGone(m.message));
  });
});
