// The short, seeded fuzz run of `npm test` (the long one: `npm run fuzz -- --seconds N`).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { CommandReader, defaultLiteralPolicy, type Request, type ReaderError } from '../../src/imap/wire/reader.js';
import { parseCommand, ParseError } from '../../src/imap/wire/parse.js';
import { defaultLimits } from '../../src/imap/limits.js';
import { imapCase, transcriptLines } from './cases.js';
import { runFuzz } from './live.js';

async function frame(bytes: Buffer): Promise<Array<Request | ReaderError>> {
  const out: Array<Request | ReaderError> = [];
  const limits = { ...defaultLimits, maxLineBytes: 8192, maxMessageBytes: 1_000_000 };
  const reader = new CommandReader(limits, { onLiteral: defaultLiteralPolicy(limits), continuation: () => undefined });
  const drain = (async () => {
    for (;;) {
      const r = await reader.next();
      if (r === null) return;
      out.push(r);
    }
  })();
  // Byte by byte in places: the framer must not care how input is chunked.
  for (let i = 0; i < bytes.length; i += 1 + (i % 97)) reader.push(bytes.subarray(i, i + 1 + (i % 97)));
  reader.end();
  await drain;
  return out;
}

test('wire parser: mutated transcript lines, nesting, literals and garbage frame and parse without throwing', async () => {
  const lines = transcriptLines();
  assert.ok(lines.length > 100, 'the transcripts give real client lines');
  await fc.assert(
    fc.asyncProperty(imapCase(lines), async (kase) => {
      for (const r of await frame(kase.bytes)) {
        if ('kind' in r) continue;
        try {
          parseCommand(r, defaultLimits.maxNesting);
        } catch (err) {
          if (!(err instanceof ParseError)) throw err;
        }
      }
    }),
    { seed: 6, numRuns: 400 },
  );
});

test('live server: a short seeded run answers every case, keeps serving, logs no errors', { timeout: 60_000 }, async () => {
  const stats = await runFuzz({ seed: 20240606, iterations: 60 });
  assert.equal(stats.imap, 60);
  assert.ok(stats.pop3 > 0 && stats.lmtp > 0);
});
