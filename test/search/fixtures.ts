// Hand-built messages for the SEARCH tests: metadata, summaries (header values already decoded, as
// delivery stores them) and body texts, plus a context that counts what it loads.
import type { MessageMeta } from '../../src/store/types.js';
import type { MessageSummary, MimePart } from '../../src/mime/types.js';
import type { SearchContext, SearchMessage } from '../../src/search/index.js';

const leaf: MimePart = {
  headerStart: 0,
  bodyStart: 0,
  bodyEnd: 0,
  type: 'text',
  subtype: 'plain',
  params: [],
  id: null,
  description: null,
  encoding: '7BIT',
  md5: null,
  disposition: null,
  language: null,
  location: null,
  size: 0,
  lines: 0,
  children: [],
  message: null,
};

const noEnvelope = {
  date: null,
  subject: null,
  from: null,
  sender: null,
  replyTo: null,
  to: null,
  cc: null,
  bcc: null,
  inReplyTo: null,
  messageId: null,
};

interface Fixture {
  readonly msn: number;
  readonly uid: number;
  readonly flags: readonly string[];
  readonly recent: boolean;
  readonly internal: string;
  readonly size: number;
  readonly modseq: number;
  readonly headers: ReadonlyArray<readonly [string, string]>;
  readonly sent: { readonly iso: string; readonly offsetMinutes: number } | null;
  readonly body: string;
}

export const fixtures: readonly Fixture[] = [
  {
    msn: 1,
    uid: 10,
    flags: ['\\Seen'],
    recent: false,
    internal: '2024-01-01T23:59:59Z',
    size: 1000,
    modseq: 5,
    headers: [
      ['from', 'Alice Example <alice@example.com>'],
      ['subject', 'Hello World'],
      ['date', 'Mon, 1 Jan 2024 20:00:00 -0500'],
    ],
    // 20:00 -0500 on 1 Jan is 01:00Z on 2 Jan: still ON 1-Jan in its own zone.
    sent: { iso: '2024-01-02T01:00:00Z', offsetMinutes: -300 },
    body: 'The quick brown fox',
  },
  {
    msn: 2,
    uid: 20,
    flags: ['\\Flagged', '$Work'],
    recent: true,
    internal: '2024-01-02T00:00:00Z',
    size: 2000,
    modseq: 10,
    headers: [
      ['from', 'Bob <bob@example.org>'],
      ['to', 'carol@example.net'],
      ['subject', 'Grüße aus Köln'], // was =?UTF-8?Q?Gr=C3=BC=C3=9Fe_aus_K=C3=B6ln?=
      ['date', 'Tue, 2 Jan 2024 00:30:00 +0200'],
    ],
    // 00:30 +0200 on 2 Jan is 22:30Z on 1 Jan: ON 2-Jan in its own zone.
    sent: { iso: '2024-01-01T22:30:00Z', offsetMinutes: 120 },
    body: 'STRASSE lazy dog',
  },
  {
    msn: 3,
    uid: 30,
    flags: ['\\Deleted', '\\Answered'],
    recent: true,
    internal: '2024-01-03T12:00:00Z',
    size: 3000,
    modseq: 15,
    headers: [
      ['subject', ''],
      ['x-spam', 'yes'],
      ['cc', 'Dave <dave@example.com>'],
    ],
    sent: null, // no Date: header -> SENT* use the internal date
    body: 'nothing',
  },
  {
    msn: 4,
    uid: 45,
    flags: ['\\Draft', '\\seen'],
    recent: false,
    internal: '2024-01-05T00:00:00Z',
    size: 500,
    modseq: 20,
    headers: [
      ['from', 'Zoë <zoe@example.com>'],
      ['subject', 'Re: hello'],
    ],
    sent: { iso: '2024-01-04T23:00:00Z', offsetMinutes: 0 },
    body: 'ΣΊΣΥΦΟΣ',
  },
];

function metaOf(f: Fixture): MessageMeta {
  const internalDate = Date.parse(f.internal);
  return {
    uid: f.uid,
    modseq: f.modseq,
    flags: f.flags,
    internalDate,
    saveDate: internalDate,
    size: f.size,
    blobId: `blob-${f.uid}`,
    emailId: `M${f.uid}`,
    threadId: `T${f.uid}`,
  };
}

function summaryOf(f: Fixture): MessageSummary {
  return {
    envelope: noEnvelope,
    root: leaf,
    headers: f.headers,
    sentDate: f.sent === null ? null : { ms: Date.parse(f.sent.iso), offsetMinutes: f.sent.offsetMinutes },
  };
}

export const messages: readonly SearchMessage[] = fixtures.map((f) => ({ msn: f.msn, meta: metaOf(f), recent: f.recent }));

export interface CountingContext extends SearchContext {
  readonly summaryCalls: number[][];
  readonly bodyCalls: number[];
}

export function context(opts: { savedResult?: readonly number[] | null; now?: number; messages?: readonly SearchMessage[] } = {}): CountingContext {
  const summaryCalls: number[][] = [];
  const bodyCalls: number[] = [];
  return {
    messages: opts.messages ?? messages,
    savedResult: opts.savedResult ?? null,
    now: opts.now ?? Date.parse('2024-01-06T00:00:00Z'),
    summaryCalls,
    bodyCalls,
    async loadSummaries(uids) {
      summaryCalls.push([...uids]);
      const out = new Map<number, MessageSummary>();
      for (const f of fixtures) if (uids.includes(f.uid)) out.set(f.uid, summaryOf(f));
      return out;
    },
    async loadBodyText(meta) {
      bodyCalls.push(meta.uid);
      const f = fixtures.find((x) => x.uid === meta.uid);
      if (f === undefined) throw new Error(`no body for ${meta.uid}`);
      return f.body;
    },
  };
}
