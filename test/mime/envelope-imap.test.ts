// The ENVELOPE text the store keeps (src/mime/envelope-imap.ts) must be byte for byte what the
// response writer sends for the same envelope, in both UTF-8 modes: over the MIME corpus (top-level
// and nested message/rfc822 envelopes) and over random envelopes with every string shape the writer
// distinguishes (quoted specials, CR/LF/NUL, 8-bit, past the quoted-string length cap).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { serialize } from '../../src/imap/wire/writer.js';
import { envelopeImap, sessionIndependentEnvelopeImap } from '../../src/mime/envelope-imap.js';
import { envelopeData } from '../../src/mime/imap-data.js';
import { parseMessage } from '../../src/mime/parse.js';
import type { Address, Envelope, MimePart } from '../../src/mime/types.js';

const DIR = join(process.cwd(), 'test/fixtures/mail');

function written(env: Envelope, utf8: boolean): string {
  const parts = serialize(envelopeData(env), { utf8 });
  return Buffer.concat(parts.map((p) => (Buffer.isBuffer(p) ? p : Buffer.from('<stream>')))).toString('utf8');
}

function assertSame(env: Envelope, label: string): void {
  for (const utf8 of [false, true]) assert.equal(envelopeImap(env, utf8), written(env, utf8), `${label} utf8=${utf8}`);
  const stored = sessionIndependentEnvelopeImap(env);
  if (stored !== null) {
    assert.equal(stored, written(env, false), `${label}: stored text, IMAP4rev1 session`);
    assert.equal(stored, written(env, true), `${label}: stored text, UTF-8 session`);
  }
}

function envelopesOf(part: MimePart, out: Envelope[]): Envelope[] {
  if (part.message !== null) {
    out.push(part.message.envelope);
    envelopesOf(part.message.root, out);
  }
  for (const child of part.children) envelopesOf(child, out);
  return out;
}

test('the MIME corpus: the stored envelope text is what the writer sends', () => {
  const names = readdirSync(DIR).filter((n) => n.endsWith('.eml'));
  assert.ok(names.length >= 30);
  let independent = 0;
  for (const name of names) {
    const summary = parseMessage(readFileSync(join(DIR, name)));
    for (const env of envelopesOf(summary.root, [summary.envelope])) {
      assertSame(env, name);
      if (sessionIndependentEnvelopeImap(env) !== null) independent++;
    }
  }
  // Most of the corpus is ASCII: the fast path is the common one.
  assert.ok(independent > names.length / 2, `${independent} session-independent envelopes`);
});

test('an 8-bit subject is session-dependent (quoted with UTF-8 on, a literal without): nothing stored', () => {
  const env: Envelope = { ...emptyEnvelope(), subject: 'Grüße' };
  assert.equal(sessionIndependentEnvelopeImap(env), null);
  assert.match(envelopeImap(env, false), /\{7\}\r\nGrüße/);
  assert.match(envelopeImap(env, true), /"Grüße"/);
  // Past the quoted-string cap, both modes send the same literal: that can be stored.
  const long: Envelope = { ...emptyEnvelope(), subject: 'é'.repeat(600) };
  assert.equal(sessionIndependentEnvelopeImap(long), envelopeImap(long, false));
});

function emptyEnvelope(): Envelope {
  return { date: null, subject: null, from: null, sender: null, replyTo: null, to: null, cc: null, bcc: null, inReplyTo: null, messageId: null };
}

const piece = fc.constantFrom('a', 'Z', ' ', '"', '\\', '\r', '\n', '\0', '\t', '(', ')', '{', '}', '*', '%', 'é', '€', '😀', '=?utf-8?q?x?=', '<id@host>');
const shortString = fc.array(piece, { maxLength: 12 }).map((a) => a.join(''));
const anyString = fc.oneof(
  { weight: 8, arbitrary: shortString },
  // Around MAX_QUOTED_BYTES (1024), in ASCII and in 2-byte UTF-8.
  { weight: 1, arbitrary: fc.integer({ min: 1000, max: 1030 }).map((n) => 'x'.repeat(n)) },
  { weight: 1, arbitrary: fc.integer({ min: 500, max: 520 }).map((n) => 'é'.repeat(n)) },
);
const nstring = fc.option(anyString, { nil: null, freq: 4 });
const address: fc.Arbitrary<Address> = fc.record({ name: nstring, adl: nstring, mailbox: nstring, host: nstring });
const addresses = fc.option(fc.array(address, { maxLength: 3 }), { nil: null, freq: 3 });
const envelope: fc.Arbitrary<Envelope> = fc.record({
  date: nstring,
  subject: nstring,
  from: addresses,
  sender: addresses,
  replyTo: addresses,
  to: addresses,
  cc: addresses,
  bcc: addresses,
  inReplyTo: nstring,
  messageId: nstring,
});

test('random envelopes: the text is what the writer sends, in both UTF-8 modes', () => {
  fc.assert(
    fc.property(envelope, (env) => {
      assertSame(env, JSON.stringify(env).slice(0, 200));
    }),
    { numRuns: 2000, seed: 5 },
  );
});
