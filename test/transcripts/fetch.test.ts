// FETCH over a live connection: every data item of RFC 9051 6.4.5 / RFC 3501, sections and partials
// compared byte for byte with the fixture files, BINARY, and the \Seen side effects.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFixture } from '../helpers/fixtures.js';
import { ImapClient, parseFetch, type TaggedResult } from '../helpers/imap-client.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { list, parseSexp, str, ustr, type SValue } from '../helpers/sexp.js';

const USER = 'fetcher';
const PASS = 'fetch-secret';
const FILES = ['simple.eml', 'encoded-subject.eml', 'multipart.eml', 'latin1.eml', 'base64.eml'] as const;

function splitMessage(b: Buffer): { header: Buffer; body: Buffer } {
  const i = b.indexOf('\r\n\r\n');
  return { header: b.subarray(0, i + 4), body: b.subarray(i + 4) };
}

/** The one FETCH response for message `seq` in a command's untagged responses. */
function fetchOf(r: TaggedResult, seq: number): ReturnType<typeof parseFetch> & object {
  for (const u of r.untagged) {
    const f = parseFetch(u);
    if (f && f.seq === seq) return f;
  }
  assert.fail(`no FETCH response for message ${seq} in:\n${r.lines.join('\n')}\n${r.tagged}`);
}

function item(f: { items: Map<string, string> }, name: string): string {
  const v = f.items.get(name.toUpperCase());
  if (v === undefined) assert.fail(`FETCH response lacks ${name}; has ${[...f.items.keys()].join(', ')}`);
  return v;
}

function bytesOf(f: { literals: Map<string, Buffer>; items: Map<string, string> }, name: string): Buffer {
  const key = name.toUpperCase();
  const lit = f.literals.get(key);
  if (lit) return lit;
  const v = f.items.get(key);
  if (v === undefined) assert.fail(`FETCH response lacks ${name}; has ${[...f.items.keys()].join(', ')}`);
  if (v.toUpperCase() === 'NIL') return Buffer.alloc(0);
  const s = str(parseSexp(v));
  return Buffer.from(s ?? '', 'utf8');
}

function flagsOf(f: { items: Map<string, string> }): string[] {
  return list(parseSexp(item(f, 'FLAGS'))).map((v) => String(str(v)));
}

describe('FETCH', () => {
  let server: TestServer;
  let c: ImapClient;
  const raw: Buffer[] = [];

  before(async () => {
    server = await startTestServer();
    await server.addUser(USER, PASS);
    for (const f of FILES) {
      const b = await readFixture('transcripts', f);
      raw.push(b);
      const date = /^Date: (.*)$/m.exec(b.toString('latin1'))?.[1];
      await server.seed(USER, 'INBOX', b, [], date ? Date.parse(date) : undefined);
    }
    c = await ImapClient.connect({ port: server.port, name: 'F' });
    await c.login(USER, PASS);
    await c.ok('SELECT INBOX');
  });
  after(async () => {
    await c?.close();
    await server?.stop();
  });

  const msg = (n: number): Buffer => raw[n - 1] ?? assert.fail(`no fixture ${n}`);

  it('FLAGS INTERNALDATE RFC822.SIZE UID', async () => {
    const r = await c.ok('FETCH 1 (FLAGS INTERNALDATE RFC822.SIZE UID)');
    const f = fetchOf(r, 1);
    assert.equal(item(f, 'UID'), '1');
    assert.equal(item(f, 'RFC822.SIZE'), String(msg(1).length));
    assert.match(item(f, 'INTERNALDATE'), /^"( 1|01)-Jan-2024 12:00:00 \+0000"$/);
    assert.deepEqual(flagsOf(f).filter((x) => x !== '\\Recent'), []);
  });

  it('ENVELOPE of a plain message', async () => {
    const r = await c.ok('FETCH 1 ENVELOPE');
    const env = list(parseSexp(item(fetchOf(r, 1), 'ENVELOPE')));
    assert.equal(str(env[0]), 'Mon, 1 Jan 2024 12:00:00 +0000');
    assert.equal(str(env[1]), 'Quarterly report');
    const addr = (v: SValue | undefined): Array<Array<string | null>> => (v === null ? [] : list(v).map((a) => list(a).map((x) => str(x))));
    const alice = [['Alice Example', null, 'alice', 'example.org']];
    assert.deepEqual(addr(env[2]), alice, 'from');
    assert.deepEqual(addr(env[3]), alice, 'sender defaults to from');
    assert.deepEqual(addr(env[4]), alice, 'reply-to defaults to from');
    assert.deepEqual(addr(env[5]), [['Bob Builder', null, 'bob', 'example.com']], 'to');
    assert.deepEqual(addr(env[6]), [['Carol', null, 'carol', 'example.net']], 'cc');
    assert.deepEqual(addr(env[7]), [[null, null, 'dave', 'example.com']], 'bcc');
    assert.equal(env[8], null, 'in-reply-to');
    assert.equal(str(env[9]), '<m1.quarterly@example.org>');
  });

  it('ENVELOPE keeps encoded words as they are in the header', async () => {
    const r = await c.ok('FETCH 2 ENVELOPE');
    const env = list(parseSexp(item(fetchOf(r, 2), 'ENVELOPE')));
    assert.equal(str(env[1]), '=?UTF-8?B?R3LDvMOfZSBhdXMgTcO8bmNoZW4=?=');
    const from = list(list(env[2])[0]);
    assert.equal(str(from[0]), '=?UTF-8?Q?J=C3=BCrgen_M=C3=BCller?=');
    assert.equal(str(from[2]), 'juergen');
    assert.equal(str(env[8]), '<m1.quarterly@example.org>');
  });

  it('BODY and BODYSTRUCTURE of a single-part message', async () => {
    const { body } = splitMessage(msg(1));
    const lines = body.toString('latin1').split('\r\n').length - 1;
    const r = await c.ok('FETCH 1 (BODY BODYSTRUCTURE)');
    const f = fetchOf(r, 1);
    const b = list(parseSexp(item(f, 'BODY')));
    assert.equal(b.length, 8, `BODY has the 8 basic fields: ${item(f, 'BODY')}`);
    assert.deepEqual([ustr(b[0]), ustr(b[1])], ['TEXT', 'PLAIN']);
    assert.deepEqual(list(b[2]).map(ustr), ['CHARSET', 'US-ASCII']);
    assert.equal(ustr(b[5]), '7BIT');
    assert.equal(str(b[6]), String(body.length));
    assert.equal(str(b[7]), String(lines));
    const bs = list(parseSexp(item(f, 'BODYSTRUCTURE')));
    assert.ok(bs.length >= 8, 'BODYSTRUCTURE');
    assert.deepEqual(bs.slice(0, 8).map((v) => (Array.isArray(v) ? v.map(ustr) : ustr(v))), b.map((v) => (Array.isArray(v) ? v.map(ustr) : ustr(v))));
  });

  it('BODYSTRUCTURE of a nested multipart with message/rfc822 and attachments', async () => {
    const r = await c.ok('FETCH 3 BODYSTRUCTURE');
    const bs = list(parseSexp(item(fetchOf(r, 3), 'BODYSTRUCTURE')));
    // (part1 part2 part3 "MIXED" (boundary) ...)
    const [p1, p2, p3, sub] = bs;
    assert.equal(ustr(sub), 'MIXED');
    const alt = list(p1);
    assert.equal(ustr(alt[2]), 'ALTERNATIVE');
    assert.deepEqual([ustr(list(alt[0])[0]), ustr(list(alt[0])[1])], ['TEXT', 'PLAIN']);
    assert.deepEqual([ustr(list(alt[1])[0]), ustr(list(alt[1])[1])], ['TEXT', 'HTML']);
    const inner = list(p2);
    assert.equal(ustr(inner[2]), 'MIXED');
    const rfc822 = list(inner[0]);
    assert.deepEqual([ustr(rfc822[0]), ustr(rfc822[1])], ['MESSAGE', 'RFC822']);
    assert.equal(str(rfc822[4]), 'Forwarded message', 'body-fld-desc');
    const innerEnv = list(rfc822[7]);
    assert.equal(str(innerEnv[1]), 'Photos from the lighthouse', 'envelope of the encapsulated message');
    const innerBody = list(rfc822[8]);
    assert.deepEqual([ustr(innerBody[0]), ustr(innerBody[1])], ['TEXT', 'PLAIN']);
    const png = list(inner[1]);
    assert.deepEqual([ustr(png[0]), ustr(png[1]), ustr(png[5])], ['IMAGE', 'PNG', 'BASE64']);
    const pdf = list(p3);
    assert.deepEqual([ustr(pdf[0]), ustr(pdf[1]), ustr(pdf[5])], ['APPLICATION', 'PDF', 'BASE64']);
    // extension data: md5, disposition, language, location
    const disp = list(pdf[8]);
    assert.equal(ustr(disp[0]), 'ATTACHMENT');
    assert.equal(str(list(disp[1])[1]), 'itinerary.pdf');
    assert.equal(ustr(list(disp[1])[0]), 'FILENAME');
  });

  it('BODY.PEEK does not set \\Seen; BODY[] does', async () => {
    let r = await c.ok('FETCH 2 BODY.PEEK[]');
    assert.deepEqual(bytesOf(fetchOf(r, 2), 'BODY[]'), msg(2));
    r = await c.ok('FETCH 2 FLAGS');
    assert.ok(!flagsOf(fetchOf(r, 2)).includes('\\Seen'), 'BODY.PEEK[] must not set \\Seen');
    r = await c.ok('FETCH 2 BODY[]');
    assert.deepEqual(bytesOf(fetchOf(r, 2), 'BODY[]'), msg(2));
    r = await c.ok('FETCH 2 FLAGS');
    assert.ok(flagsOf(fetchOf(r, 2)).includes('\\Seen'), 'BODY[] sets \\Seen');
  });

  it('BODY[HEADER], HEADER.FIELDS, HEADER.FIELDS.NOT, TEXT', async () => {
    const { header, body } = splitMessage(msg(1));
    const r = await c.ok('FETCH 1 (BODY.PEEK[HEADER] BODY.PEEK[HEADER.FIELDS (Subject FROM)] BODY.PEEK[HEADER.FIELDS.NOT (Return-Path Message-ID Date Cc Bcc X-Priority MIME-Version Content-Type)] BODY.PEEK[TEXT])');
    const f = fetchOf(r, 1);
    assert.deepEqual(bytesOf(f, 'BODY[HEADER]'), header);
    const fieldsKey = [...f.items.keys()].find((k) => k.startsWith('BODY[HEADER.FIELDS ('));
    assert.ok(fieldsKey, `HEADER.FIELDS item in ${[...f.items.keys()].join(', ')}`);
    assert.equal(bytesOf(f, fieldsKey).toString(), 'From: Alice Example <alice@example.org>\r\nSubject: Quarterly report\r\n\r\n');
    const notKey = [...f.items.keys()].find((k) => k.startsWith('BODY[HEADER.FIELDS.NOT'));
    assert.ok(notKey);
    assert.equal(bytesOf(f, notKey).toString(), 'From: Alice Example <alice@example.org>\r\nTo: Bob Builder <bob@example.com>\r\nSubject: Quarterly report\r\n\r\n');
    assert.deepEqual(bytesOf(f, 'BODY[TEXT]'), body);
    const flags = await c.ok('FETCH 1 FLAGS');
    assert.ok(!flagsOf(fetchOf(flags, 1)).includes('\\Seen'));
  });

  it('BODY[1] of a single-part message is its body', async () => {
    const r = await c.ok('FETCH 1 BODY.PEEK[1]');
    assert.deepEqual(bytesOf(fetchOf(r, 1), 'BODY[1]'), splitMessage(msg(1)).body);
  });

  it('partial fetches <start.length>', async () => {
    const m = msg(1);
    const { body } = splitMessage(m);
    const r = await c.ok('FETCH 1 (BODY.PEEK[]<0.10> BODY.PEEK[TEXT]<5.8> BODY.PEEK[]<100000.10>)');
    const f = fetchOf(r, 1);
    assert.deepEqual(bytesOf(f, 'BODY[]<0>'), m.subarray(0, 10));
    assert.deepEqual(bytesOf(f, 'BODY[TEXT]<5>'), body.subarray(5, 13));
    assert.deepEqual(bytesOf(f, 'BODY[]<100000>'), Buffer.alloc(0));
  });

  it('nested sections: 1.1, 1.2, 1.1.MIME, 2.MIME, 2.1 (message/rfc822), 2.1.HEADER, 2.1.TEXT, 2.1.1', async () => {
    const s = msg(3).toString('latin1');
    const r = await c.ok('FETCH 3 (BODY.PEEK[1.1] BODY.PEEK[1.2] BODY.PEEK[1.1.MIME] BODY.PEEK[2.MIME] BODY.PEEK[2.1] BODY.PEEK[2.1.HEADER] BODY.PEEK[2.1.TEXT] BODY.PEEK[2.1.1])');
    const f = fetchOf(r, 3);
    const t = (k: string): string => bytesOf(f, k).toString('latin1');
    assert.equal(t('BODY[1.1]'), 'Here are the photos from the lighthouse trip.\r\n');
    assert.equal(t('BODY[1.2]'), '<html><body><p>Here are the photos from the <b>lighthouse</b> trip.</p></body></html>\r\n');
    assert.equal(t('BODY[1.1.MIME]'), 'Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 7bit\r\n\r\n');
    assert.equal(t('BODY[2.MIME]'), 'Content-Type: multipart/mixed; boundary="inner-boundary"\r\n\r\n');
    const fwdStart = s.indexOf('Message-ID: <orig.photos');
    const fwdEnd = s.indexOf('\r\n--inner-boundary\r\nContent-Type: image/png');
    const fwd = s.slice(fwdStart, fwdEnd);
    assert.equal(t('BODY[2.1]'), fwd);
    const split = fwd.indexOf('\r\n\r\n') + 4;
    assert.equal(t('BODY[2.1.HEADER]'), fwd.slice(0, split));
    assert.equal(t('BODY[2.1.TEXT]'), "Carol's original note about the seagulls.\r\n");
    assert.equal(t('BODY[2.1.1]'), "Carol's original note about the seagulls.\r\n");
  });

  it('BINARY[], BINARY.PEEK, BINARY.SIZE decode the transfer encoding (RFC 3516)', async () => {
    const pdf = await readFixture('transcripts', 'itinerary.pdf.bin');
    let r = await c.ok('FETCH 3 (BINARY.PEEK[3] BINARY.SIZE[3] BINARY.PEEK[1.1])');
    const f = fetchOf(r, 3);
    assert.deepEqual(bytesOf(f, 'BINARY[3]'), pdf);
    assert.equal(item(f, 'BINARY.SIZE[3]'), String(pdf.length));
    assert.equal(bytesOf(f, 'BINARY[1.1]').toString(), 'Here are the photos from the lighthouse trip.\r\n');
    // a NUL byte can only travel in a literal8 (~{n})
    const line = r.untagged.find((u) => /^\* 3 FETCH/.test(u.text))?.text ?? '';
    assert.match(line, /BINARY\[3\] ~\{\d+\}/, 'NUL-containing data is sent as literal8');
    r = await c.ok('FETCH 3 FLAGS');
    assert.ok(!flagsOf(fetchOf(r, 3)).includes('\\Seen'), 'BINARY.PEEK must not set \\Seen');
    r = await c.ok('FETCH 5 (BINARY[1] BINARY.SIZE[1])');
    const g = fetchOf(r, 5);
    assert.equal(bytesOf(g, 'BINARY[1]').toString(), 'Zebra crossing near the unicorn bakery.\r\nThe sourdough is excellent.\r\n');
    assert.equal(item(g, 'BINARY.SIZE[1]'), String(Buffer.byteLength('Zebra crossing near the unicorn bakery.\r\nThe sourdough is excellent.\r\n')));
    r = await c.ok('FETCH 5 FLAGS');
    assert.ok(flagsOf(fetchOf(r, 5)).includes('\\Seen'), 'BINARY[] sets \\Seen');
  });

  it('BODY[] of an 8-bit ISO-8859-1 message is returned byte for byte', async () => {
    const r = await c.ok('FETCH 4 BODY.PEEK[]');
    assert.deepEqual(bytesOf(fetchOf(r, 4), 'BODY[]'), msg(4));
    const text = await c.ok('FETCH 4 BODY.PEEK[1]');
    assert.deepEqual(bytesOf(fetchOf(text, 4), 'BODY[1]'), splitMessage(msg(4)).body);
  });

  it('RFC822, RFC822.HEADER, RFC822.TEXT', async () => {
    const { header, body } = splitMessage(msg(1));
    let r = await c.ok('FETCH 1 RFC822.HEADER');
    assert.deepEqual(bytesOf(fetchOf(r, 1), 'RFC822.HEADER'), header);
    r = await c.ok('FETCH 1 FLAGS');
    assert.ok(!flagsOf(fetchOf(r, 1)).includes('\\Seen'), 'RFC822.HEADER does not set \\Seen');
    r = await c.ok('FETCH 1 RFC822.TEXT');
    assert.deepEqual(bytesOf(fetchOf(r, 1), 'RFC822.TEXT'), body);
    r = await c.ok('FETCH 1 RFC822');
    assert.deepEqual(bytesOf(fetchOf(r, 1), 'RFC822'), msg(1));
    r = await c.ok('FETCH 1 FLAGS');
    assert.ok(flagsOf(fetchOf(r, 1)).includes('\\Seen'));
  });

  it('macros ALL, FAST, FULL', async () => {
    const keys = async (m: string): Promise<string[]> => [...fetchOf(await c.ok(`FETCH 4 ${m}`), 4).items.keys()].sort();
    assert.deepEqual(await keys('FAST'), ['FLAGS', 'INTERNALDATE', 'RFC822.SIZE']);
    assert.deepEqual(await keys('ALL'), ['ENVELOPE', 'FLAGS', 'INTERNALDATE', 'RFC822.SIZE']);
    assert.deepEqual(await keys('FULL'), ['BODY', 'ENVELOPE', 'FLAGS', 'INTERNALDATE', 'RFC822.SIZE']);
  });

  it('UID FETCH always includes UID, and ranges work', async () => {
    const r = await c.ok('UID FETCH 2:4 FLAGS');
    const seen = r.untagged.map(parseFetch).filter((x) => x !== null);
    assert.deepEqual(
      seen.map((f) => [f.seq, f.items.get('UID')]),
      [
        [2, '2'],
        [3, '3'],
        [4, '4'],
      ],
    );
    const star = await c.ok('UID FETCH * UID');
    assert.equal(fetchOf(star, 5).items.get('UID'), '5');
    const none = await c.ok('UID FETCH 99:100 UID');
    assert.ok(none.untagged.length <= 1, 'UID 99:100 is "the last message" (UID * rule) at most');
  });

  it('errors: out-of-range sequence numbers, wrong state', async () => {
    const r = await c.cmd('FETCH 99 FLAGS');
    assert.ok(['BAD', 'NO'].includes(r.status), `FETCH 99 in a mailbox of 5: ${r.tagged}`);
    const other = await ImapClient.connect({ port: server.port, name: 'G' });
    try {
      await other.login(USER, PASS);
      const s = await other.cmd('FETCH 1 FLAGS');
      assert.ok(['BAD', 'NO'].includes(s.status), `FETCH in the authenticated state: ${s.tagged}`);
    } finally {
      await other.close();
    }
  });
});
