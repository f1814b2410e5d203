// Property tests: the framer gives the same requests however the bytes are chunked, and the
// grammar answers any input with an AST or a ParseError, never another exception (DESIGN.md rule 3).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { CommandReader, type Request, type ReaderError } from '../../../src/imap/wire/reader.js';
import { parseCommand, ParseError } from '../../../src/imap/wire/parse.js';
import { defaultLimits } from '../../../src/imap/limits.js';

async function frame(chunks: Buffer[]): Promise<Array<Request | ReaderError | string>> {
  const out: Array<Request | ReaderError | string> = [];
  const reader = new CommandReader(defaultLimits, { onLiteral: () => 'accept', continuation: () => out.push('+') });
  const drain = (async () => {
    for (;;) {
      const r = await reader.next();
      if (r === null) return;
      out.push(r);
    }
  })();
  for (const c of chunks) {
    reader.push(c);
    await Promise.resolve();
    await Promise.resolve();
  }
  reader.end();
  await drain;
  return out;
}

const literal = fc.record({ bytes: fc.uint8Array({ maxLength: 12 }), sync: fc.boolean(), binary: fc.boolean() });
const lineText = fc.string({ unit: fc.constantFrom('a', ' ', '(', ')', '"', '1', 'é', '{', '}', '\r'), maxLength: 10 });
const commandGen = fc.record({ texts: fc.array(lineText, { minLength: 1, maxLength: 3 }), literals: fc.array(literal, { maxLength: 2 }) });

function encode(cmds: Array<{ texts: string[]; literals: Array<{ bytes: Uint8Array; sync: boolean; binary: boolean }> }>): Buffer {
  const out: Buffer[] = [];
  cmds.forEach((c, i) => {
    out.push(Buffer.from(`T${i} `));
    c.texts.forEach((t, k) => {
      // A line piece must not itself end like a literal marker or hold a LF.
      out.push(Buffer.from(t.replace(/\r/g, '') + 'x'));
      const lit = c.literals[k];
      if (lit && k < c.texts.length - 1) {
        out.push(Buffer.from(`${lit.binary ? '~' : ''}{${lit.bytes.length}${lit.sync ? '' : '+'}}\r\n`), Buffer.from(lit.bytes));
      } else if (k < c.texts.length - 1) out.push(Buffer.from(' '));
    });
    out.push(Buffer.from('\r\n'));
  });
  return Buffer.concat(out);
}

test('framing does not depend on chunking', async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(commandGen, { minLength: 1, maxLength: 4 }), fc.array(fc.nat({ max: 200 }), { maxLength: 8 }), async (cmds, cuts) => {
      const bytes = encode(cmds);
      const whole = await frame([bytes]);
      const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
      const chunks: Buffer[] = [];
      let prev = 0;
      for (const p of points) {
        chunks.push(bytes.subarray(prev, p));
        prev = p;
      }
      chunks.push(bytes.subarray(prev));
      assert.deepEqual(await frame(chunks), whole);
      assert.equal(whole.filter((r) => typeof r !== 'string').length, cmds.length);
    }),
    { numRuns: 150 },
  );
});

const tokens = [
  'A1', ' ', 'FETCH', 'UID', 'SEARCH', 'STORE', 'LIST', 'APPEND', 'SELECT', 'LOGIN', 'ID', 'STATUS', 'CREATE', 'ENABLE',
  '1:*', '*', '$', '0', '4294967296', '(', ')', '[', ']', '<', '>', '.', '"', '\\', 'BODY', 'BODY.PEEK[', 'HEADER.FIELDS',
  'MIME', 'NOT', 'OR', 'SINCE', '1-Feb-1994', 'NIL', 'RETURN', 'CHARSET', '+FLAGS', '\\Seen', 'CHANGEDSINCE', 'VANISHED', 'é', '{',
];

test('the grammar answers any token soup with an AST or a ParseError', () => {
  fc.assert(
    fc.property(fc.array(fc.constantFrom(...tokens), { maxLength: 25 }), fc.option(fc.uint8Array({ maxLength: 4 })), (toks, lit) => {
      const text = toks.join('');
      const request: Request = lit
        ? { parts: [{ kind: 'text', text }, { kind: 'literal', bytes: Buffer.from(lit), binary: false }, { kind: 'text', text: toks.slice(0, 3).join('') }] }
        : { parts: [{ kind: 'text', text }] };
      try {
        parseCommand(request);
      } catch (e) {
        if (!(e instanceof ParseError)) throw e;
      }
    }),
    { numRuns: 2000 },
  );
});
