// A multipart message with a hand-built summary (offsets found with indexOf, so the test does not
// depend on the MIME parser), and fake FetchDeps over the in-memory bytes that count their calls.
import { Readable } from 'node:stream';
import type { MessageMeta } from '../../../src/store/types.js';
import type { Envelope, MessageSummary, MimePart } from '../../../src/mime/types.js';
import type { FetchDeps } from '../../../src/imap/fetch/index.js';

export const bytes = Buffer.from(
  [
    'From: Alice <alice@example.com>',
    'To: Bob <bob@example.org>',
    'Subject: Test',
    'MIME-Version: 1.0',
    'Content-Type: multipart/mixed; boundary="b1"',
    '',
    '--b1',
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: quoted-printable',
    '',
    'Gr=C3=BC=C3=9Fe=',
    ' aus K=C3=B6ln',
    '--b1',
    'Content-Type: application/octet-stream',
    'Content-Transfer-Encoding: base64',
    '',
    'AAECAw==',
    '--b1',
    'Content-Type: message/rfc822',
    '',
    'Subject: inner',
    '',
    'inner body',
    '--b1',
    'Content-Type: application/x-thing',
    'Content-Transfer-Encoding: x-uuencode',
    '',
    'begin 644 x',
    '--b1--',
    '',
  ].join('\r\n'),
);

export function at(text: string, from = 0): number {
  const i = bytes.indexOf(text, from);
  if (i < 0) throw new Error(`fixture has no ${JSON.stringify(text)}`);
  return i;
}

const base = {
  params: [] as ReadonlyArray<readonly [string, string]>,
  id: null,
  description: null,
  md5: null,
  disposition: null,
  language: null,
  location: null,
  lines: 0,
  children: [] as readonly MimePart[],
  message: null,
};

function leaf(headerMarker: string, bodyMarker: string, type: string, subtype: string, encoding: string): MimePart {
  const headerStart = at(headerMarker);
  const bodyStart = at(bodyMarker, headerStart);
  const bodyEnd = at('\r\n--b1', bodyStart);
  return { ...base, headerStart, bodyStart, bodyEnd, size: bodyEnd - bodyStart, type, subtype, encoding };
}

const envelope: Envelope = {
  date: null,
  subject: 'Test',
  from: [{ name: 'Alice', adl: null, mailbox: 'alice', host: 'example.com' }],
  sender: null,
  replyTo: null,
  to: [{ name: 'Bob', adl: null, mailbox: 'bob', host: 'example.org' }],
  cc: null,
  bcc: null,
  inReplyTo: null,
  messageId: null,
};

const innerEnvelope: Envelope = { ...envelope, subject: 'inner', from: null, to: null };

const part1 = { ...leaf('Content-Type: text/plain', 'Gr=C3', 'text', 'plain', 'QUOTED-PRINTABLE'), params: [['charset', 'utf-8']] as const };
const part2 = leaf('Content-Type: application/octet-stream', 'AAECAw==', 'application', 'octet-stream', 'BASE64');
const part3Shell = leaf('Content-Type: message/rfc822', 'Subject: inner', 'message', 'rfc822', '7BIT');
const innerRoot: MimePart = {
  ...base,
  headerStart: part3Shell.bodyStart,
  bodyStart: at('inner body'),
  bodyEnd: part3Shell.bodyEnd,
  size: part3Shell.bodyEnd - at('inner body'),
  type: 'text',
  subtype: 'plain',
  encoding: '7BIT',
};
const part3: MimePart = { ...part3Shell, message: { envelope: innerEnvelope, root: innerRoot } };
const part4 = leaf('Content-Type: application/x-thing', 'begin', 'application', 'x-thing', 'X-UUENCODE');

export const root: MimePart = {
  ...base,
  headerStart: 0,
  bodyStart: at('--b1'),
  bodyEnd: bytes.length,
  size: bytes.length - at('--b1'),
  type: 'multipart',
  subtype: 'mixed',
  encoding: '7BIT',
  params: [['boundary', 'b1']],
  children: [part1, part2, part3, part4],
};

export const summary: MessageSummary = { envelope, root, headers: [], sentDate: null };

export const meta: MessageMeta = {
  uid: 42,
  modseq: 7,
  flags: ['\\Seen', '$Label1'],
  internalDate: Date.UTC(1996, 6, 7, 2, 44, 25),
  saveDate: Date.UTC(2024, 0, 31, 23, 5, 9),
  size: bytes.length,
  blobId: 'blob-42',
  emailId: 'M6d99ac3275bb4e',
  threadId: 'T64b478a75b7ea9',
};

export interface CountingDeps extends FetchDeps {
  readonly calls: { summary: number; read: Array<[number | undefined, number | undefined]>; stream: Array<[number | undefined, number | undefined]> };
}

export function fakeDeps(): CountingDeps {
  const calls: CountingDeps['calls'] = { summary: 0, read: [], stream: [] };
  return {
    calls,
    async loadSummary() {
      calls.summary++;
      return summary;
    },
    async readMessage(blobId, start, end) {
      if (blobId !== meta.blobId) throw new Error('wrong blob');
      calls.read.push([start, end]);
      return Buffer.from(bytes.subarray(start ?? 0, end ?? bytes.length));
    },
    streamMessage(blobId, start, end) {
      if (blobId !== meta.blobId) throw new Error('wrong blob');
      calls.stream.push([start, end]);
      return Readable.from([Buffer.from(bytes.subarray(start ?? 0, end ?? bytes.length))]);
    },
    async loadBodyText() {
      return 'Hello  there,\r\n\r\n  this is\tthe body.';
    },
  };
}

/** The bytes between two markers of the fixture, [from, to). */
export function slice(start: number, end: number): Buffer {
  return bytes.subarray(start, end);
}
