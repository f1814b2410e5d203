// What the fuzzer sends (issue #6): real client lines from test/fixtures/transcripts/*.imap, mutated
// (flipped bytes, NULs, bare CRs, literal markers, invalid modified UTF-7 and UTF-8, truncation),
// deep nesting in SEARCH and section specs, truncated and oversized literals, garbage MIME through
// APPEND then FETCH; and light POP3 and LMTP line noise. All as fast-check arbitraries.
import { readdirSync, readFileSync } from 'node:fs';
import fc from 'fast-check';
import { fixturePath } from '../helpers/fixtures.js';

export const USER = 'fuzz';
export const PASSWORD = 'fuzz-secret';

/** Client lines of every transcript, placeholders filled in or cut off. */
export function transcriptLines(): string[] {
  const dir = fixturePath('transcripts');
  const out: string[] = [];
  for (const name of readdirSync(dir).filter((n) => n.endsWith('.imap')).sort()) {
    for (const line of readFileSync(`${dir}/${name}`, 'utf8').split('\n')) {
      if (!line.startsWith('C: ')) continue;
      const text = line
        .slice(3)
        .replace(/\$USER/g, USER)
        .replace(/\$PASS/g, PASSWORD)
        .replace(/\{\{text\+?:([^}]*)\}\}/g, (_m, t: string) => t.replace(/\\r\\n/g, '\r\n'))
        .replace(/\{\{[^}]*\}\}/g, '"x"');
      out.push(text);
    }
  }
  return out;
}

const NASTY = [
  '\0', '\r', '\n', '\r\n', ' ', '"', '\\', '(', ')', '((((((((', '))))', '[', ']', '<', '>', '{', '}', '*', '%', '$', '~',
  '{0}\r\n', '{5}\r\n', '{5+}\r\n', '~{3}\r\n', '{4294967296}\r\n', '{99999999999999999999}\r\n', '{8193+}\r\n',
  '&-', '&Zm9v', '&AAA-', '&2D3cAA-', '&', '\xff\xfe', '\xc3', '\xed\xa0\x80', '\xf4\x90\x80\x80',
  '1:*', '*:1', '0', '4294967295', '4294967296', '-1', '$', 'NIL', 'BODY[', 'BODY[1.2.3.4.5.6.7.8.9]', 'BODY[HEADER.FIELDS (', '<0.4294967296>',
  'CHARSET UTF-8 ', 'CHARSET x-unknown ', 'UNCHANGEDSINCE 1', 'CHANGEDSINCE 0', 'RETURN (SAVE ALL)', 'NOT ', 'OR ', 'FUZZY ', '\x7f', '\t',
];

type Mutation =
  | { readonly kind: 'flip'; readonly at: number; readonly byte: number }
  | { readonly kind: 'insert'; readonly at: number; readonly text: string }
  | { readonly kind: 'cut'; readonly at: number }
  | { readonly kind: 'repeat'; readonly at: number; readonly len: number; readonly times: number };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), text: fc.constantFrom(...NASTY) }),
  fc.record({ kind: fc.constant('cut' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('repeat' as const), at: fc.nat(), len: fc.integer({ min: 1, max: 12 }), times: fc.integer({ min: 2, max: 60 }) }),
);

function mutate(line: Buffer, m: Mutation): Buffer {
  const at = line.length === 0 ? 0 : m.at % (line.length + 1);
  switch (m.kind) {
    case 'flip': {
      const b = Buffer.from(line);
      if (b.length > 0) b[at % b.length] = m.byte;
      return b;
    }
    case 'insert':
      return Buffer.concat([line.subarray(0, at), Buffer.from(m.text, 'latin1'), line.subarray(at)]);
    case 'cut':
      return line.subarray(0, at);
    case 'repeat': {
      const piece = line.subarray(at, at + m.len);
      return Buffer.concat([line.subarray(0, at), ...Array<Buffer>(m.times).fill(piece), line.subarray(at)]);
    }
  }
}

/** A tag the fuzzer's own sentinel NOOP never uses. */
const tag = fc.constantFrom('a1', 'B2', 'x', '+', '*', '', 'a{', 'tag.with.dots', '\u00e9t');

function mutatedLine(lines: readonly string[]): fc.Arbitrary<Buffer> {
  return fc.tuple(fc.constantFrom(...lines), fc.array(mutation, { maxLength: 4 })).map(([line, ms]) => ms.reduce(mutate, Buffer.from(`${line}\r\n`, 'utf8')));
}

const deepNesting: fc.Arbitrary<Buffer> = fc
  .tuple(tag, fc.integer({ min: 1, max: 400 }), fc.constantFrom('search', 'section', 'fetch', 'store', 'list', 'status', 'sort', 'thread'))
  .map(([t, n, kind]) => {
    const open = '('.repeat(n);
    const close = ')'.repeat(n);
    switch (kind) {
      case 'search':
        return `${t} SEARCH ${open}ALL${close}`;
      case 'section':
        return `${t} FETCH 1 BODY.PEEK[${Array.from({ length: n }, (_, i) => (i % 7) + 1).join('.')}.MIME]<0.10>`;
      case 'fetch':
        return `${t} FETCH 1:* ${open}FLAGS${close}`;
      case 'store':
        return `${t} STORE 1 +FLAGS ${open}\\Seen${close}`;
      case 'list':
        return `${t} LIST "" ${'%/'.repeat(n)}*`;
      case 'status':
        return `${t} STATUS INBOX ${open}MESSAGES${close}`;
      case 'sort':
        return `${t} SORT (${'REVERSE '.repeat(n)}DATE) UTF-8 ${'NOT '.repeat(n)}ALL`;
      default:
        return `${t} THREAD REFERENCES UTF-8 ${'OR ALL '.repeat(n)}ALL`;
    }
  })
  .map((s) => Buffer.from(`${s}\r\n`));

const literals: fc.Arbitrary<Buffer> = fc
  .tuple(
    tag,
    fc.constantFrom('APPEND INBOX', 'APPEND INBOX (\\Seen)', 'LOGIN', 'SEARCH TEXT', 'CREATE', 'SELECT', 'APPEND INBOX (', 'ID ('),
    fc.integer({ min: 0, max: 3_000_000 }),
    fc.boolean(),
    fc.boolean(),
    fc.integer({ min: 0, max: 300 }),
  )
  .map(([t, cmd, size, nonSync, binary, sent]) => {
    const marker = `${binary ? '~' : ''}{${size}${nonSync ? '+' : ''}}`;
    // Fewer (or more) bytes than announced: truncated or overrunning literals.
    return Buffer.concat([Buffer.from(`${t} ${cmd} ${marker}\r\n`), Buffer.alloc(Math.min(sent, size + 5), 0x41), Buffer.from('\r\n')]);
  });

/** Messages that are MIME in name only. */
const garbageMime: fc.Arbitrary<Buffer> = fc.oneof(
  fc.uint8Array({ maxLength: 400 }).map((b) => Buffer.from(b)),
  fc.tuple(fc.integer({ min: 1, max: 120 }), fc.boolean()).map(([depth, closeThem]) => {
    let body = 'leaf\r\n';
    for (let i = depth; i > 0; i--) {
      const b = `b${i}`;
      body = `Content-Type: multipart/mixed; boundary="${b}"\r\n\r\n--${b}\r\n${body}${closeThem ? `\r\n--${b}--\r\n` : ''}`;
    }
    return Buffer.from(`Subject: nested\r\n${body}`);
  }),
  fc
    .array(
      fc.constantFrom(
        'Content-Type: multipart/mixed; boundary=',
        'Content-Type: message/rfc822\r\n',
        'Content-Type: text/plain; charset="x-\xff"\r\n',
        'Content-Transfer-Encoding: base64\r\n',
        'Content-Transfer-Encoding: quoted-printable\r\n',
        'Subject: =?utf-8?B?////?= =?x?Q?=ZZ?=\r\n',
        'From: "unterminated <a@\r\n',
        'To: ,,,<>,@,\r\n',
        'Date: Mon, 99 Foo 99999 99:99:99 +9999\r\n',
        '\r\n',
        '--\r\n',
        '--b--\r\n',
        'Content-Disposition: attachment; filename*=utf-8\'\'%ff%fe\r\n',
        '\0\0\0',
        '\r\r\r',
        '=\r\n',
        'AAAA====\r\n',
      ),
      { maxLength: 30 },
    )
    .map((parts) => Buffer.from(parts.join(''), 'latin1')),
);

const FETCH_ITEMS = [
  'BODYSTRUCTURE', 'BODY', 'ENVELOPE', 'BODY[]', 'BODY[1]', 'BODY[1.2]', 'BODY[1.MIME]', 'BODY[2.1.HEADER]', 'BODY[TEXT]<0.5>',
  'BINARY[1]', 'BINARY.SIZE[1]', 'BINARY[1.1]<2.3>', 'BODY[HEADER.FIELDS (SUBJECT FROM)]', 'BODY.PEEK[1.1.1.1.1.TEXT]', 'RFC822.SIZE', 'PREVIEW',
];

const appendThenFetch: fc.Arbitrary<Buffer> = fc
  .tuple(garbageMime, fc.subarray(FETCH_ITEMS, { minLength: 1 }), fc.constantFrom('SEARCH TEXT leaf', 'SEARCH HEADER Subject x', 'SORT (SUBJECT) UTF-8 ALL', 'THREAD REFERENCES UTF-8 ALL', 'NOOP'))
  .map(([msg, items, extra]) =>
    Buffer.concat([Buffer.from(`g1 APPEND INBOX {${msg.length}+}\r\n`), msg, Buffer.from(`\r\ng2 SELECT INBOX\r\ng3 FETCH * (${items.join(' ')})\r\ng4 ${extra}\r\n`)]),
  );

const noise: fc.Arbitrary<Buffer> = fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b));

/** One IMAP case: the bytes sent on a connection in a random starting state. */
export interface ImapCase {
  readonly start: 'greeting' | 'login' | 'select';
  readonly bytes: Buffer;
}

export function imapCase(lines: readonly string[]): fc.Arbitrary<ImapCase> {
  return fc.record({
    start: fc.constantFrom('greeting' as const, 'login' as const, 'select' as const, 'select' as const),
    bytes: fc
      .array(fc.oneof({ weight: 6, arbitrary: mutatedLine(lines) }, deepNesting, literals, { weight: 2, arbitrary: appendThenFetch }, noise), { minLength: 1, maxLength: 4 })
      .map((parts) => Buffer.concat(parts)),
  });
}

const POP3_LINES = ['USER fuzz', `PASS ${PASSWORD}`, 'STAT', 'LIST', 'LIST 1', 'UIDL', 'RETR 1', 'TOP 1 0', 'TOP 1 99999999999', 'DELE 1', 'RSET', 'NOOP', 'CAPA', 'AUTH PLAIN', 'AUTH LOGIN', 'AUTH', 'APOP fuzz x', 'STLS', 'QUIT'];

export const pop3Case: fc.Arbitrary<Buffer> = fc
  .array(fc.tuple(fc.constantFrom(...POP3_LINES), fc.array(mutation, { maxLength: 3 })).map(([l, ms]) => ms.reduce(mutate, Buffer.from(`${l}\r\n`))), { minLength: 1, maxLength: 8 })
  .map((parts) => Buffer.concat(parts));

const LMTP_LINES = ['LHLO fuzz.example', 'MAIL FROM:<a@example.org>', 'RCPT TO:<fuzz@example.org>', 'RCPT TO:<nobody@example.org>', 'DATA', 'Subject: x', '', '.', 'RSET', 'NOOP', 'VRFY fuzz', 'HELO x', 'EHLO x', 'MAIL FROM:<a@example.org> SIZE=99999999999', 'QUIT'];

export const lmtpCase: fc.Arbitrary<Buffer> = fc
  .array(fc.tuple(fc.constantFrom(...LMTP_LINES), fc.array(mutation, { maxLength: 3 })).map(([l, ms]) => ms.reduce(mutate, Buffer.from(`${l}\r\n`))), { minLength: 1, maxLength: 10 })
  .map((parts) => Buffer.concat(parts));

/** Printable form of a case for a failure message. */
export function show(bytes: Buffer): string {
  const s = JSON.stringify(bytes.subarray(0, 2000).toString('latin1'));
  return bytes.length > 2000 ? `${s}…(${bytes.length} bytes)` : s;
}
