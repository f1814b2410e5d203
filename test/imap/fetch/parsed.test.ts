// FETCH over a summary from the real MIME parser (src/mime/parse.ts), so the two layers agree on
// what offsets mean: a single-part base64 message and a nested multipart.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { parseMessage } from '../../../src/mime/parse.js';
import { buildFetchData, type FetchDeps } from '../../../src/imap/fetch/index.js';
import type { FetchAtt } from '../../../src/imap/wire/ast.js';
import type { MessageMeta } from '../../../src/store/types.js';
import { defaults, lit, pairs } from './helpers.js';

function depsFor(bytes: Buffer): FetchDeps {
  const summary = parseMessage(bytes);
  return {
    loadSummary: async () => summary,
    readMessage: async (_id, start, end) => bytes.subarray(start ?? 0, end ?? bytes.length),
    streamMessage: (_id, start, end) => Readable.from([bytes.subarray(start ?? 0, end ?? bytes.length)]),
    loadBodyText: async () => '',
  };
}

function metaFor(bytes: Buffer): MessageMeta {
  return { uid: 1, modseq: 1, flags: [], internalDate: 0, saveDate: 0, size: bytes.length, blobId: 'b', emailId: 'E1', threadId: 'T1' };
}

async function run(bytes: Buffer, items: FetchAtt[]) {
  return pairs(await buildFetchData(items, { msn: 1, meta: metaFor(bytes) }, depsFor(bytes), defaults));
}

const section = (part: number[], text: 'HEADER' | 'TEXT' | 'MIME' | null = null) => ({ part, text });

test('single-part base64: BODY[1] is the encoded text, BINARY[1] the decoded bytes', async () => {
  const msg = Buffer.from('Subject: b64\r\nContent-Transfer-Encoding: base64\r\n\r\nAAECAw==\r\n');
  assert.deepEqual(
    await run(msg, [
      { kind: 'BODY[]', section: section([1]), partial: null, peek: true },
      { kind: 'BODY[]', section: section([], 'TEXT'), partial: null, peek: true },
      { kind: 'BINARY[]', section: section([1]), partial: null, peek: true },
      { kind: 'BINARY.SIZE', section: section([1]) },
      { kind: 'RFC822.HEADER' },
    ]),
    [
      ['BODY[1]', lit('AAECAw==\r\n')],
      ['BODY[TEXT]', lit('AAECAw==\r\n')],
      ['BINARY[1]', lit(Buffer.from([0, 1, 2, 3]), true)],
      ['BINARY.SIZE[1]', 4],
      ['RFC822.HEADER', lit('Subject: b64\r\nContent-Transfer-Encoding: base64\r\n\r\n')],
    ],
  );
});

test('nested multipart: quoted-printable part decoded, MIME header of a nested part', async () => {
  const msg = Buffer.from(
    [
      'Subject: nest',
      'Content-Type: multipart/mixed; boundary=outer',
      '',
      '--outer',
      'Content-Type: multipart/alternative; boundary=inner',
      '',
      '--inner',
      'Content-Type: text/plain; charset=utf-8',
      'Content-Transfer-Encoding: quoted-printable',
      '',
      'caf=C3=A9',
      '--inner--',
      '--outer--',
      '',
    ].join('\r\n'),
  );
  assert.deepEqual(
    await run(msg, [
      { kind: 'BINARY[]', section: section([1, 1]), partial: null, peek: true },
      { kind: 'BODY[]', section: section([1, 1], 'MIME'), partial: null, peek: true },
      { kind: 'BODY[]', section: section([1, 1]), partial: { offset: 3, length: 3 }, peek: true },
    ]),
    [
      ['BINARY[1.1]', lit('café')],
      ['BODY[1.1.MIME]', lit('Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n')],
      ['BODY[1.1]<3>', lit('=C3')],
    ],
  );
});
