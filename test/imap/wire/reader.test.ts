import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CommandReader, defaultLiteralPolicy, LineTooLongError, type LiteralDecision, type LiteralInfo, type Request, type ReaderError } from '../../../src/imap/wire/reader.js';
import { defaultLimits, type Limits } from '../../../src/imap/limits.js';

const limits: Limits = { ...defaultLimits, maxLineBytes: 64, maxSmallLiteralBytes: 16, maxMessageBytes: 40, maxCommandBytes: 24, maxMultiAppendBytes: 50 };

type Event = string | Request | ReaderError;

/** Feeds `pieces` one by one while a next() is pending; returns the requests and hook calls in order. */
async function run(pieces: Buffer[], policy: (i: LiteralInfo) => LiteralDecision = defaultLiteralPolicy(limits)): Promise<Event[]> {
  const events: Event[] = [];
  const reader = new CommandReader(limits, {
    onLiteral: (info) => {
      events.push(`literal ${info.tag} ${info.command} ${info.size} ${info.sync ? 'sync' : 'nonsync'}${info.binary ? ' binary' : ''}`);
      return policy(info);
    },
    continuation: () => events.push('+'),
  });
  const drain = (async () => {
    for (;;) {
      const r = await reader.next();
      if (r === null) break;
      events.push(r);
    }
  })();
  for (const p of pieces) {
    reader.push(p);
    await new Promise(setImmediate);
  }
  reader.end();
  await drain;
  return events;
}

function text(t: string) {
  return { kind: 'text', text: t } as const;
}
function lit(t: string, binary = false) {
  return { kind: 'literal', bytes: Buffer.from(t, 'latin1'), binary } as const;
}

/** Same events whether the input comes whole, split at any offset, or byte by byte. */
async function checkSplits(input: string, expected: Event[], policy?: (i: LiteralInfo) => LiteralDecision): Promise<void> {
  const bytes = Buffer.from(input, 'latin1');
  assert.deepEqual(await run([bytes], policy), expected, 'whole');
  for (let i = 1; i < bytes.length; i++) {
    assert.deepEqual(await run([bytes.subarray(0, i), bytes.subarray(i)], policy), expected, `split at ${i}`);
  }
  const single = [...bytes].map((b) => Buffer.from([b]));
  assert.deepEqual(await run(single, policy), expected, 'byte by byte');
}

test('plain lines, CRLF and bare LF', async () => {
  await checkSplits('a1 NOOP\r\nA2 LOGIN x y\nA3 UID FETCH 1 FLAGS\r\n', [
    { parts: [text('a1 NOOP')] },
    { parts: [text('A2 LOGIN x y')] },
    { parts: [text('A3 UID FETCH 1 FLAGS')] },
  ]);
});

test('synchronizing, non-synchronizing and binary literals, bytes taken exactly', async () => {
  await checkSplits('A1 LOGIN {3}\r\na\r\n {4+}\r\n\x00b\nc\r\nA2 APPEND INBOX ~{3}\r\n\x00\x01\x02\r\nA3 APPEND X {0+}\r\n\r\n', [
    'literal A1 LOGIN 3 sync',
    '+',
    'literal A1 LOGIN 4 nonsync',
    { parts: [text('A1 LOGIN '), lit('a\r\n'), text(' '), lit('\x00b\nc'), text('')] },
    'literal A2 APPEND 3 sync binary',
    '+',
    { parts: [text('A2 APPEND INBOX '), lit('\x00\x01\x02', true), text('')] },
    'literal A3 APPEND 0 nonsync',
    { parts: [text('A3 APPEND X '), lit(''), text('')] },
  ]);
});

test('rejected synchronizing literal drops the command, the next one is read', async () => {
  await checkSplits('A1 LOGIN {17}\r\nA2 NOOP\r\n', [
    'literal A1 LOGIN 17 sync',
    { kind: 'error', tag: 'A1', status: 'NO', code: 'TOOBIG', text: 'Literal of 17 bytes is larger than the limit of 16', fatal: false },
    { parts: [text('A2 NOOP')] },
  ]);
});

test('rejected non-synchronizing literal is read and discarded, rest of the command too', async () => {
  await checkSplits('A1 SEARCH TEXT {17+}\r\n0123456789abcdef\n SUBJECT {2+}\r\nxy\r\nA2 NOOP\r\n', [
    'literal A1 SEARCH 17 nonsync',
    { kind: 'error', tag: 'A1', status: 'NO', code: 'TOOBIG', text: 'Literal of 17 bytes is larger than the limit of 16', fatal: false },
    { parts: [text('A2 NOOP')] },
  ]);
});

test('non-synchronizing literal beyond twice the message limit is fatal', async () => {
  const ev = await run([Buffer.from('A1 APPEND X {81+}\r\nxxxx\r\nA2 NOOP\r\n')]);
  assert.deepEqual(ev, [
    'literal A1 APPEND 81 nonsync',
    { kind: 'error', tag: 'A1', status: 'NO', code: 'TOOBIG', text: 'Message of 81 bytes is larger than the limit of 40', fatal: true },
  ]);
});

test('per-command sum of literals', async () => {
  await checkSplits('A1 LOGIN {12}\r\n012345678901 {13}\r\nA2 NOOP\r\n', [
    'literal A1 LOGIN 12 sync',
    '+',
    'literal A1 LOGIN 13 sync',
    { kind: 'error', tag: 'A1', status: 'NO', code: 'TOOBIG', text: 'Literals of this command exceed 24 bytes', fatal: false },
    { parts: [text('A2 NOOP')] },
  ]);
});

test('MULTIAPPEND: each message within maxMessageBytes, all of them within maxMultiAppendBytes (NO [LIMIT])', async () => {
  const m = 'x'.repeat(30);
  await checkSplits(`A1 APPEND X {30}\r\n${m} {30}\r\nA2 NOOP\r\n`, [
    'literal A1 APPEND 30 sync',
    '+',
    'literal A1 APPEND 30 sync',
    { kind: 'error', tag: 'A1', status: 'NO', code: 'LIMIT', text: 'The messages of this APPEND exceed 50 bytes together', fatal: false },
    { parts: [text('A2 NOOP')] },
  ]);
  // Non-synchronizing (RFC 7888 §4): the refused bytes come anyway; they are read and dropped.
  await checkSplits(`A1 APPEND X {30+}\r\n${m} {30+}\r\n${m}\r\nA2 NOOP\r\n`, [
    'literal A1 APPEND 30 nonsync',
    'literal A1 APPEND 30 nonsync',
    { kind: 'error', tag: 'A1', status: 'NO', code: 'LIMIT', text: 'The messages of this APPEND exceed 50 bytes together', fatal: false },
    { parts: [text('A2 NOOP')] },
  ]);
  await checkSplits(`A1 APPEND X {30+}\r\n${m} {20+}\r\n${m.slice(10)}\r\n`, [
    'literal A1 APPEND 30 nonsync',
    'literal A1 APPEND 20 nonsync',
    { parts: [text('A1 APPEND X '), lit(m), text(' '), lit(m.slice(10)), text('')] },
  ]);
});

test('over-long line is BAD and the reader resyncs at its end', async () => {
  const long = 'A1 FETCH ' + '1,'.repeat(40) + '1 FLAGS';
  await checkSplits(`${long}\r\nA2 NOOP\r\n`, [
    { kind: 'error', tag: 'A1', status: 'BAD', code: null, text: 'Command line longer than 64 bytes', fatal: false },
    { parts: [text('A2 NOOP')] },
  ]);
  // The over-long line announced a non-synchronizing literal: its bytes are skipped too.
  await checkSplits(`${long} {5+}\r\nab\ncd\r\nA2 NOOP\r\n`, [
    { kind: 'error', tag: 'A1', status: 'BAD', code: null, text: 'Command line longer than 64 bytes', fatal: false },
    { parts: [text('A2 NOOP')] },
  ]);
  // Exactly the limit passes.
  const exact = 'A1 NOOP ' + 'x'.repeat(56);
  assert.equal(exact.length, 64);
  assert.deepEqual(await run([Buffer.from(`${exact}\r\n`)]), [{ parts: [text(exact)] }]);
});

test('text across literals counts against the line limit', async () => {
  const ev = await run([Buffer.from(`A1 LOGIN {1+}\r\nx ${'y'.repeat(60)}\r\nA2 NOOP\r\n`)]);
  assert.equal((ev[1] as ReaderError).status, 'BAD');
  assert.deepEqual(ev[2], { parts: [text('A2 NOOP')] });
});

test('literal size beyond number64 is refused; untagged garbage has a null tag', async () => {
  const ev = await run([Buffer.from('A1 LOGIN {99999999999999999999}\r\n+bad {1}\r\n')], () => 'accept');
  assert.deepEqual(ev, [
    { kind: 'error', tag: 'A1', status: 'BAD', code: null, text: 'Literal size out of range', fatal: false },
    'literal null null 1 sync',
    '+',
  ]);
});

test('partial command at EOF gives null', async () => {
  assert.deepEqual(await run([Buffer.from('A1 LOGIN {5}\r\nab')], () => 'accept'), ['literal A1 LOGIN 5 sync', '+']);
});

test('nextLine reads raw lines without literal interpretation; bufferedBytes shows unread input', async () => {
  const reader = new CommandReader(limits, { onLiteral: () => 'accept', continuation: () => {} });
  reader.push(Buffer.from('A1 AUTHENTICATE PLAIN\r\ndGVzdA== {5}\r\nDONE\r\n' + 'x'.repeat(70) + '\r\nA2 NOOP\r\n'));
  assert.equal(reader.bufferedBytes, 124);
  assert.deepEqual(await reader.next(), { parts: [text('A1 AUTHENTICATE PLAIN')] });
  assert.equal(await reader.nextLine(), 'dGVzdA== {5}');
  assert.equal(await reader.nextLine(), 'DONE');
  await assert.rejects(reader.nextLine(), LineTooLongError);
  assert.deepEqual(await reader.next(), { parts: [text('A2 NOOP')] });
  assert.equal(reader.bufferedBytes, 0);
  reader.end();
  assert.equal(await reader.nextLine(), null);
});

test('UTF-8 text split inside a character', async () => {
  // checkSplits sends its input as latin1: give it the UTF-8 bytes, so that splits fall inside "ü".
  await checkSplits(Buffer.from('A1 SELECT "Entwürfe"\r\n', 'utf8').toString('latin1'), [{ parts: [text('A1 SELECT "Entwürfe"')] }]);
});

test('8-bit bytes that are not UTF-8 mark the line (RFC 6855 §3); UTF-8 does not', async () => {
  const events = await run([Buffer.from('a1 SELECT "caf\xe9"\r\n', 'latin1'), Buffer.from('a2 SELECT "café"\r\n', 'utf8')]);
  assert.deepEqual(events, [{ parts: [{ kind: 'text', text: 'a1 SELECT "caf\ufffd"', badUtf8: true }] }, { parts: [text('a2 SELECT "café"')] }]);
});
