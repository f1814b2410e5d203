// FETCH items that come from metadata and the summary (RFC 9051 §7.5.2, RFC 7162, RFC 8474, RFC 8514).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bodyStructureData, envelopeData } from '../../../src/mime/imap-data.js';
import { buildFetchData, fetchNeedsSummary, fetchSetsSeen, imapDateTime } from '../../../src/imap/fetch/index.js';
import type { FetchAtt } from '../../../src/imap/wire/ast.js';
import { defaults, fetch, plain } from './helpers.js';
import { fakeDeps, meta, summary } from './fixture.js';

test('metadata items in the order asked', async () => {
  const items: FetchAtt[] = [
    { kind: 'FLAGS' },
    { kind: 'UID' },
    { kind: 'INTERNALDATE' },
    { kind: 'RFC822.SIZE' },
    { kind: 'MODSEQ' },
    { kind: 'EMAILID' },
    { kind: 'THREADID' },
    { kind: 'SAVEDATE' },
  ];
  assert.deepEqual(await fetch(items), [
    ['FLAGS', [{ atom: '\\Seen' }, { atom: '$Label1' }]],
    ['UID', 42],
    ['INTERNALDATE', '07-Jul-1996 02:44:25 +0000'],
    ['RFC822.SIZE', meta.size],
    ['MODSEQ', [7]],
    ['EMAILID', [{ atom: 'M6d99ac3275bb4e' }]],
    ['THREADID', [{ atom: 'T64b478a75b7ea9' }]],
    ['SAVEDATE', '31-Jan-2024 23:05:09 +0000'],
  ]);
});

test('THREADID is NIL when the message has none', async () => {
  assert.deepEqual(await fetch([{ kind: 'THREADID' }], {}, { msn: 1, meta: { ...meta, threadId: '' } }), [['THREADID', null]]);
});

test('SAVEDATE is NIL when the store has no save date (RFC 8514 §4)', async () => {
  assert.deepEqual(await fetch([{ kind: 'SAVEDATE' }], {}, { msn: 1, meta: { ...meta, saveDate: 0 } }), [['SAVEDATE', null]]);
});

test('INTERNALDATE format', () => {
  assert.equal(imapDateTime(Date.UTC(2024, 11, 25, 0, 0, 0)), '25-Dec-2024 00:00:00 +0000');
  assert.equal(imapDateTime(Date.UTC(1999, 0, 1, 9, 8, 7)), '01-Jan-1999 09:08:07 +0000');
});

test('UID FETCH puts UID first when not asked, and never twice', async () => {
  assert.deepEqual(await fetch([{ kind: 'FLAGS' }], { includeUid: true }), [
    ['UID', 42],
    ['FLAGS', [{ atom: '\\Seen' }, { atom: '$Label1' }]],
  ]);
  assert.deepEqual(await fetch([{ kind: 'RFC822.SIZE' }, { kind: 'UID' }], { includeUid: true }), [
    ['RFC822.SIZE', meta.size],
    ['UID', 42],
  ]);
  assert.deepEqual(await fetch([{ kind: 'UID' }, { kind: 'UID' }]), [['UID', 42]]);
});

test('\\Recent only for IMAP4rev1 sessions that see the message as recent', async () => {
  const target = { msn: 1, meta, recent: true };
  assert.deepEqual(await fetch([{ kind: 'FLAGS' }], { imap4rev2: false }, target), [
    ['FLAGS', [{ atom: '\\Seen' }, { atom: '$Label1' }, { atom: '\\Recent' }]],
  ]);
  assert.deepEqual(await fetch([{ kind: 'FLAGS' }], { imap4rev2: true }, target), [['FLAGS', [{ atom: '\\Seen' }, { atom: '$Label1' }]]]);
  assert.deepEqual(await fetch([{ kind: 'FLAGS' }], { imap4rev2: false }), [['FLAGS', [{ atom: '\\Seen' }, { atom: '$Label1' }]]]);
});

test('ENVELOPE, BODY and BODYSTRUCTURE come from one summary load', async () => {
  const deps = fakeDeps();
  const data = await buildFetchData([{ kind: 'ENVELOPE' }, { kind: 'BODY' }, { kind: 'BODYSTRUCTURE' }], { msn: 1, meta }, deps, defaults);
  assert.deepEqual(data.map(plain), [
    { atom: 'ENVELOPE' },
    plain(envelopeData(summary.envelope)),
    { atom: 'BODY' },
    plain(bodyStructureData(summary.root, false)),
    { atom: 'BODYSTRUCTURE' },
    plain(bodyStructureData(summary.root, true)),
  ]);
  assert.equal(deps.calls.summary, 1);
  assert.deepEqual(deps.calls.read, [], 'structure never reads the message');
});

test('fetchSetsSeen: non-PEEK BODY[]/BINARY[], RFC822, RFC822.TEXT (RFC 9051 §6.4.5)', () => {
  const whole = { part: [], text: null } as const;
  const table: Array<[FetchAtt, boolean]> = [
    [{ kind: 'BODY[]', section: whole, partial: null, peek: false }, true],
    [{ kind: 'BODY[]', section: whole, partial: null, peek: true }, false],
    [{ kind: 'BINARY[]', section: { part: [1], text: null }, partial: null, peek: false }, true],
    [{ kind: 'BINARY[]', section: { part: [1], text: null }, partial: null, peek: true }, false],
    [{ kind: 'BINARY.SIZE', section: { part: [1], text: null } }, false],
    [{ kind: 'RFC822' }, true],
    [{ kind: 'RFC822.TEXT' }, true],
    [{ kind: 'RFC822.HEADER' }, false],
    [{ kind: 'RFC822.SIZE' }, false],
    [{ kind: 'BODY' }, false],
    [{ kind: 'FLAGS' }, false],
  ];
  for (const [att, expected] of table) assert.equal(fetchSetsSeen([{ kind: 'UID' }, att]), expected, JSON.stringify(att));
});

test('fetchNeedsSummary', () => {
  const table: Array<[FetchAtt, boolean]> = [
    [{ kind: 'ENVELOPE' }, true],
    [{ kind: 'BODY' }, true],
    [{ kind: 'BODYSTRUCTURE' }, true],
    [{ kind: 'BODY[]', section: { part: [], text: null }, partial: null, peek: true }, false],
    [{ kind: 'BODY[]', section: { part: [], text: 'HEADER' }, partial: null, peek: true }, true],
    [{ kind: 'BODY[]', section: { part: [2], text: null }, partial: null, peek: true }, true],
    [{ kind: 'BINARY.SIZE', section: { part: [1], text: null } }, true],
    [{ kind: 'RFC822' }, false],
    [{ kind: 'RFC822.HEADER' }, true],
    [{ kind: 'FLAGS' }, false],
    [{ kind: 'RFC822.SIZE' }, false],
  ];
  for (const [att, expected] of table) assert.equal(fetchNeedsSummary([att]), expected, JSON.stringify(att));
});
