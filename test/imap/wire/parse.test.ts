import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseCommand, ParseError } from '../../../src/imap/wire/parse.js';
import type { Request, RequestPart } from '../../../src/imap/wire/reader.js';

/** Builds a request: strings are text parts, Buffers are literals (binary when tagged with ~). */
function req(...parts: Array<string | Buffer | { binary: Buffer }>): Request {
  return {
    parts: parts.map((p): RequestPart => {
      if (typeof p === 'string') return { kind: 'text', text: p };
      if (Buffer.isBuffer(p)) return { kind: 'literal', bytes: p, binary: false };
      return { kind: 'literal', bytes: p.binary, binary: true };
    }),
  };
}
const parse = (line: string) => parseCommand(req(line));
const set = (...ranges: Array<[number | '*', number | '*']>) => ({ kind: 'set', ranges: ranges.map(([start, end]) => ({ start, end })) });

const valid: Array<[string, object]> = [
  ['a1 noop', { tag: 'a1', name: 'NOOP' }],
  ['A2 CAPABILITY', { tag: 'A2', name: 'CAPABILITY' }],
  ['A3 LOGIN fred "pass \\"word\\""', { tag: 'A3', name: 'LOGIN', user: 'fred', password: 'pass "word"' }],
  ['A4 AUTHENTICATE plain', { tag: 'A4', name: 'AUTHENTICATE', mechanism: 'PLAIN', initialResponse: null }],
  ['A4 AUTHENTICATE PLAIN AGZyZWQAcGFzcw==', { tag: 'A4', name: 'AUTHENTICATE', mechanism: 'PLAIN', initialResponse: 'AGZyZWQAcGFzcw==' }],
  ['A4 AUTHENTICATE PLAIN =', { tag: 'A4', name: 'AUTHENTICATE', mechanism: 'PLAIN', initialResponse: '=' }],
  ['A5 ENABLE condstore UTF8=ACCEPT', { tag: 'A5', name: 'ENABLE', capabilities: ['CONDSTORE', 'UTF8=ACCEPT'] }],
  ['A6 ID NIL', { tag: 'A6', name: 'ID', params: null }],
  ['A6 ID ("name" "x" "version" NIL)', { tag: 'A6', name: 'ID', params: [['name', 'x'], ['version', null]] }],
  ['A7 SELECT INBOX', { tag: 'A7', name: 'SELECT', mailbox: 'INBOX', condstore: false, qresync: null }],
  ['A7 examine "a b" (CONDSTORE)', { tag: 'A7', name: 'EXAMINE', mailbox: 'a b', condstore: true, qresync: null }],
  // RFC 7162 §3.2.5
  ['A7 SELECT INBOX (QRESYNC (67890007 2005071519404500))', { tag: 'A7', name: 'SELECT', mailbox: 'INBOX', condstore: false, qresync: { uidValidity: 67890007, modseq: 2005071519404500, knownUids: null, seqMatch: null } }],
  ['A7 SELECT INBOX (QRESYNC (67890007 9006011519404500 41:211,214:541))', { tag: 'A7', name: 'SELECT', mailbox: 'INBOX', condstore: false, qresync: { uidValidity: 67890007, modseq: 9006011519404500, knownUids: { kind: 'set', ranges: [{ start: 41, end: 211 }, { start: 214, end: 541 }] }, seqMatch: null } }],
  ['A7 SELECT INBOX (QRESYNC (1 2 1:* (1,5 10,20)) CONDSTORE)', { tag: 'A7', name: 'SELECT', mailbox: 'INBOX', condstore: true, qresync: { uidValidity: 1, modseq: 2, knownUids: { kind: 'set', ranges: [{ start: 1, end: '*' }] }, seqMatch: { msns: { kind: 'set', ranges: [{ start: 1, end: 1 }, { start: 5, end: 5 }] }, uids: { kind: 'set', ranges: [{ start: 10, end: 10 }, { start: 20, end: 20 }] } } } }],
  ['A7 SELECT INBOX (QRESYNC (1 2 (1 10)))', { tag: 'A7', name: 'SELECT', mailbox: 'INBOX', condstore: false, qresync: { uidValidity: 1, modseq: 2, knownUids: null, seqMatch: { msns: { kind: 'set', ranges: [{ start: 1, end: 1 }] }, uids: { kind: 'set', ranges: [{ start: 10, end: 10 }] } } } }],
  ['A8 CREATE Drafts (USE (\\Drafts))', { tag: 'A8', name: 'CREATE', mailbox: 'Drafts', specialUse: ['\\Drafts'] }],
  ['A8 CREATE foo/bar', { tag: 'A8', name: 'CREATE', mailbox: 'foo/bar', specialUse: [] }],
  ['A9 DELETE &U,BTFw-', { tag: 'A9', name: 'DELETE', mailbox: '&U,BTFw-' }],
  ['A9 RENAME a b', { tag: 'A9', name: 'RENAME', from: 'a', to: 'b' }],
  ['B1 LIST "" *', { tag: 'B1', name: 'LIST', selection: [], reference: '', patterns: ['*'], returnOptions: [], extended: false }],
  ['B1 LIST ~/Mail/ %', { tag: 'B1', name: 'LIST', selection: [], reference: '~/Mail/', patterns: ['%'], returnOptions: [], extended: false }],
  [
    'B2 LIST (SUBSCRIBED RECURSIVEMATCH) "" ("INBOX" foo/*) RETURN (CHILDREN STATUS (MESSAGES UIDNEXT))',
    {
      tag: 'B2', name: 'LIST', selection: ['SUBSCRIBED', 'RECURSIVEMATCH'], reference: '', patterns: ['INBOX', 'foo/*'],
      returnOptions: [{ kind: 'CHILDREN' }, { kind: 'STATUS', items: ['MESSAGES', 'UIDNEXT'] }], extended: true,
    },
  ],
  ['B2 LIST "" % RETURN (SPECIAL-USE)', { tag: 'B2', name: 'LIST', selection: [], reference: '', patterns: ['%'], returnOptions: [{ kind: 'SPECIAL-USE' }], extended: true }],
  ['B3 LSUB "" *', { tag: 'B3', name: 'LSUB', reference: '', pattern: '*' }],
  ['B4 STATUS INBOX (MESSAGES UNSEEN HIGHESTMODSEQ)', { tag: 'B4', name: 'STATUS', mailbox: 'INBOX', items: ['MESSAGES', 'UNSEEN', 'HIGHESTMODSEQ'] }],
  ['C1 FETCH 1:* ALL', { tag: 'C1', name: 'FETCH', uid: false, set: set([1, '*']), items: [{ kind: 'FLAGS' }, { kind: 'INTERNALDATE' }, { kind: 'RFC822.SIZE' }, { kind: 'ENVELOPE' }], changedSince: null, vanished: false }],
  ['C1 FETCH 2 fast', { tag: 'C1', name: 'FETCH', uid: false, set: set([2, 2]), items: [{ kind: 'FLAGS' }, { kind: 'INTERNALDATE' }, { kind: 'RFC822.SIZE' }], changedSince: null, vanished: false }],
  ['C1 FETCH $ FULL', { tag: 'C1', name: 'FETCH', uid: false, set: { kind: 'saved' }, items: [{ kind: 'FLAGS' }, { kind: 'INTERNALDATE' }, { kind: 'RFC822.SIZE' }, { kind: 'ENVELOPE' }, { kind: 'BODY' }], changedSince: null, vanished: false }],
  [
    'C2 UID FETCH 1,3:5,7:* (UID FLAGS BODY.PEEK[HEADER.FIELDS (From "Subject")]<0.100> BODY[1.2.MIME] BODY[] BINARY.PEEK[1] BINARY.SIZE[2] RFC822.HEADER) (CHANGEDSINCE 12345 VANISHED)',
    {
      tag: 'C2', name: 'FETCH', uid: true, set: set([1, 1], [3, 5], [7, '*']),
      items: [
        { kind: 'UID' },
        { kind: 'FLAGS' },
        { kind: 'BODY[]', section: { part: [], text: { fields: ['From', 'Subject'], not: false } }, partial: { offset: 0, length: 100 }, peek: true },
        { kind: 'BODY[]', section: { part: [1, 2], text: 'MIME' }, partial: null, peek: false },
        { kind: 'BODY[]', section: { part: [], text: null }, partial: null, peek: false },
        { kind: 'BINARY[]', section: { part: [1], text: null }, partial: null, peek: true },
        { kind: 'BINARY.SIZE', section: { part: [2], text: null } },
        { kind: 'RFC822.HEADER' },
      ],
      changedSince: 12345, vanished: true,
    },
  ],
  ['C3 FETCH 4:2 body[3.HEADER.FIELDS.NOT (X-A)]', { tag: 'C3', name: 'FETCH', uid: false, set: set([4, 2]), items: [{ kind: 'BODY[]', section: { part: [3], text: { fields: ['X-A'], not: true } }, partial: null, peek: false }], changedSince: null, vanished: false }],
  ['C3 FETCH 1 (BODY[TEXT] body[2] RFC822 MODSEQ EMAILID)', {
    tag: 'C3', name: 'FETCH', uid: false, set: set([1, 1]),
    items: [
      { kind: 'BODY[]', section: { part: [], text: 'TEXT' }, partial: null, peek: false },
      { kind: 'BODY[]', section: { part: [2], text: null }, partial: null, peek: false },
      { kind: 'RFC822' }, { kind: 'MODSEQ' }, { kind: 'EMAILID' },
    ],
    changedSince: null, vanished: false,
  }],
  ['D1 STORE 1:3 +FLAGS.SILENT (\\seen $Junk)', { tag: 'D1', name: 'STORE', uid: false, set: set([1, 3]), operation: 'add', silent: true, flags: ['\\Seen', '$Junk'], unchangedSince: null }],
  ['D1 UID STORE 5 (UNCHANGEDSINCE 320162338) -FLAGS \\Deleted \\Draft', { tag: 'D1', name: 'STORE', uid: true, set: set([5, 5]), operation: 'remove', silent: false, flags: ['\\Deleted', '\\Draft'], unchangedSince: 320162338 }],
  ['D1 STORE 1 FLAGS ()', { tag: 'D1', name: 'STORE', uid: false, set: set([1, 1]), operation: 'replace', silent: false, flags: [], unchangedSince: null }],
  ['D2 COPY 1:2 Archive', { tag: 'D2', name: 'COPY', uid: false, set: set([1, 2]), mailbox: 'Archive' }],
  ['D2 uid move 9 "Trash"', { tag: 'D2', name: 'MOVE', uid: true, set: set([9, 9]), mailbox: 'Trash' }],
  ['D3 UID EXPUNGE 3:5', { tag: 'D3', name: 'UID EXPUNGE', set: set([3, 5]) }],
  ['E1 SEARCH ALL', { tag: 'E1', name: 'SEARCH', uid: false, returnOptions: null, charset: null, criteria: { kind: 'all' } }],
  [
    'E2 UID SEARCH RETURN (MIN COUNT) CHARSET UTF-8 OR (FROM smith UNSEEN) NOT SUBJECT "hi there" 1:5 UID 7:* SINCE 1-Feb-1994 BEFORE "23-Mar-2024"',
    {
      tag: 'E2', name: 'SEARCH', uid: true, returnOptions: ['MIN', 'COUNT'], charset: 'UTF-8',
      criteria: {
        kind: 'and',
        keys: [
          { kind: 'or', left: { kind: 'and', keys: [{ kind: 'header', field: 'From', value: 'smith' }, { kind: 'flag', flag: '\\Seen', set: false }] }, right: { kind: 'not', key: { kind: 'header', field: 'Subject', value: 'hi there' } } },
          { kind: 'seq', set: set([1, 5]) },
          { kind: 'uid', set: set([7, '*']) },
          { kind: 'since', date: '1994-02-01' },
          { kind: 'before', date: '2024-03-23' },
        ],
      },
    },
  ],
  ['E3 SEARCH RETURN () NEW', { tag: 'E3', name: 'SEARCH', uid: false, returnOptions: [], charset: null, criteria: { kind: 'new' } }],
  [
    'E4 SEARCH ANSWERED DELETED DRAFT FLAGGED RECENT SEEN OLD UNANSWERED UNDELETED UNDRAFT UNFLAGGED KEYWORD $Work UNKEYWORD x',
    {
      tag: 'E4', name: 'SEARCH', uid: false, returnOptions: null, charset: null,
      criteria: {
        kind: 'and',
        keys: [
          { kind: 'flag', flag: '\\Answered', set: true }, { kind: 'flag', flag: '\\Deleted', set: true }, { kind: 'flag', flag: '\\Draft', set: true },
          { kind: 'flag', flag: '\\Flagged', set: true }, { kind: 'flag', flag: '\\Recent', set: true }, { kind: 'flag', flag: '\\Seen', set: true },
          { kind: 'old' }, { kind: 'flag', flag: '\\Answered', set: false }, { kind: 'flag', flag: '\\Deleted', set: false },
          { kind: 'flag', flag: '\\Draft', set: false }, { kind: 'flag', flag: '\\Flagged', set: false },
          { kind: 'flag', flag: '$Work', set: true }, { kind: 'flag', flag: 'x', set: false },
        ],
      },
    },
  ],
  [
    'E5 SEARCH HEADER X-Spam yes BCC a CC b TO c BODY d TEXT e LARGER 10 SMALLER 20 ON 9-Sep-2001 SENTBEFORE 1-Jan-2000 SENTON 2-Jan-2000 SENTSINCE 3-Jan-2000 OLDER 60 YOUNGER 30 MODSEQ 5 MODSEQ "/flags/\\\\draft" all 6',
    {
      tag: 'E5', name: 'SEARCH', uid: false, returnOptions: null, charset: null,
      criteria: {
        kind: 'and',
        keys: [
          { kind: 'header', field: 'X-Spam', value: 'yes' }, { kind: 'header', field: 'Bcc', value: 'a' }, { kind: 'header', field: 'Cc', value: 'b' },
          { kind: 'header', field: 'To', value: 'c' }, { kind: 'body', value: 'd' }, { kind: 'text', value: 'e' },
          { kind: 'larger', size: 10 }, { kind: 'smaller', size: 20 }, { kind: 'on', date: '2001-09-09' },
          { kind: 'sentbefore', date: '2000-01-01' }, { kind: 'senton', date: '2000-01-02' }, { kind: 'sentsince', date: '2000-01-03' },
          { kind: 'older', seconds: 60 }, { kind: 'younger', seconds: 30 }, { kind: 'modseq', modseq: 5 }, { kind: 'modseq', modseq: 6 },
        ],
      },
    },
  ],
  ['F1 IDLE', { tag: 'F1', name: 'IDLE' }],
  ['F2 UNSELECT', { tag: 'F2', name: 'UNSELECT' }],
];

test('valid commands -> AST', () => {
  for (const [line, ast] of valid) assert.deepEqual(parse(line), ast, line);
});

test('literals as strings, APPEND with flags, date-time and ~{n}', () => {
  assert.deepEqual(parseCommand(req('A1 LOGIN ', Buffer.from('fr\u00e9d', 'utf8'), ' ', Buffer.from('p\r\nw'), '')), {
    tag: 'A1', name: 'LOGIN', user: 'fréd', password: 'p\r\nw',
  });
  const msg = Buffer.from('Subject: x\r\n\r\nhi\r\n');
  assert.deepEqual(parseCommand(req('A2 APPEND saved-messages (\\Seen) " 7-Feb-1994 21:52:25 -0800" ', msg, '')), {
    tag: 'A2', name: 'APPEND', mailbox: 'saved-messages', messages: [{ flags: ['\\Seen'], internalDate: new Date('1994-02-08T05:52:25Z'), message: msg, binary: false, utf8: false }],
  });
  assert.deepEqual(parseCommand(req('A3 APPEND INBOX ', { binary: msg }, '')), {
    tag: 'A3', name: 'APPEND', mailbox: 'INBOX', messages: [{ flags: [], internalDate: null, message: msg, binary: true, utf8: false }],
  });
  // RFC 6855 §4: utf8-literal = "UTF8" SP "(" literal8 ")"
  assert.deepEqual(parseCommand(req('A6 APPEND INBOX (\\Seen) UTF8 (', { binary: msg }, ')')), {
    tag: 'A6', name: 'APPEND', mailbox: 'INBOX', messages: [{ flags: ['\\Seen'], internalDate: null, message: msg, binary: true, utf8: true }],
  });
  // RFC 3502 §6: append = "APPEND" SP mailbox 1*append-message
  const two = Buffer.from('Subject: y\r\n\r\n');
  assert.deepEqual(parseCommand(req('A9 APPEND INBOX (\\Seen) ', msg, ' " 7-Feb-1994 21:52:25 -0800" ', two, ' UTF8 (', { binary: msg }, ')')), {
    tag: 'A9', name: 'APPEND', mailbox: 'INBOX', messages: [
      { flags: ['\\Seen'], internalDate: null, message: msg, binary: false, utf8: false },
      { flags: [], internalDate: new Date('1994-02-08T05:52:25Z'), message: two, binary: false, utf8: false },
      { flags: [], internalDate: null, message: msg, binary: true, utf8: true },
    ],
  });
  assert.throws(() => parseCommand(req('A10 APPEND INBOX ', msg, ' ')), /Expected the message as a literal in APPEND/);
  assert.throws(() => parseCommand(req('A11 APPEND INBOX ', msg, 'x')), /Expected a space before the next message/);
  assert.throws(() => parseCommand(req('A7 APPEND INBOX UTF8 (', msg, ')')), /literal8/);
  assert.throws(() => parseCommand(req('A8 APPEND INBOX UTF8 (', { binary: msg }, '')), /Expected "\)" after the UTF8 message/);
  assert.deepEqual(parseCommand(req('A4 SEARCH CHARSET UTF-8 SUBJECT ', Buffer.from('Grüße', 'utf8'), ' SEEN')), {
    tag: 'A4', name: 'SEARCH', uid: false, returnOptions: null, charset: 'UTF-8',
    criteria: { kind: 'and', keys: [{ kind: 'header', field: 'Subject', value: 'Grüße' }, { kind: 'flag', flag: '\\Seen', set: true }] },
  });
  assert.deepEqual(parseCommand(req('A5 SELECT ', Buffer.from('a"b'), ' (CONDSTORE)')), { tag: 'A5', name: 'SELECT', mailbox: 'a"b', condstore: true, qresync: null });
});

test('a quoted string with 8-bit octets that are not UTF-8 gets BAD (RFC 6855 §3)', () => {
  assert.throws(() => parseCommand({ parts: [{ kind: 'text', text: 'A1 SELECT "caf\ufffd"', badUtf8: true }] }), /not valid UTF-8/);
  // the same line without the mark (a real U+FFFD sent as UTF-8) parses
  assert.deepEqual(parseCommand({ parts: [{ kind: 'text', text: 'A1 DELETE "caf\ufffd"' }] }), { tag: 'A1', name: 'DELETE', mailbox: 'caf\ufffd' });
});

const invalid: Array<[string, string, string | null]> = [
  ['A1 FOO', 'Unknown command "FOO"', 'A1'],
  ['A1 UID FOO 1', 'Unknown command "UID FOO"', 'A1'],
  ['', 'Expected a tag at column 1', null],
  ['A1', 'Expected a space after the tag at column 3', 'A1'],
  ['A1 NOOP x', 'Unexpected " x" after NOOP at column 8', 'A1'],
  ['A1 FETCH 1 (FLAGS UID', 'Expected ")" after FETCH attributes at column 22', 'A1'],
  ['A1 FETCH 1 (FLAGS BOGUS)', 'Unknown FETCH attribute "BOGUS" (column 19) at column 24', 'A1'],
  ['A1 FETCH 0 FLAGS', 'Expected a non-zero number after FETCH at column 10', 'A1'],
  ['A1 FETCH 1 BODY[MIME]', 'Expected a part number, HEADER, HEADER.FIELDS or TEXT in the section at column 17', 'A1'],
  ['A1 FETCH 1 BODY[1.FOO]', 'Expected HEADER, HEADER.FIELDS, TEXT or MIME in the section at column 19', 'A1'],
  ['A1 FETCH 1 BODY[]<5>', 'Expected "." in the partial range at column 20', 'A1'],
  ['A1 FETCH 1 FLAGS (VANISHED)', 'VANISHED needs UID FETCH and CHANGEDSINCE at column 28', 'A1'],
  ['A1 LOGIN fred', 'Expected a space after the user name at column 14', 'A1'],
  ['A1 LOGIN "fred', 'Unterminated quoted string at column 15', 'A1'],
  ['A1 LOGIN "a\\b" x', 'Invalid escape in quoted string at column 13', 'A1'],
  ['A1 SEARCH FOO', 'Unknown search key "FOO" at column 14', 'A1'],
  ['A1 SEARCH SINCE 30-Feb-2020', 'Expected a date like 1-Feb-1994 after SINCE at column 17', 'A1'],
  ['A1 SEARCH (SEEN', 'Expected ")" after the search keys at column 16', 'A1'],
  ['A1 STORE 1 FLAG \\Seen', 'Expected FLAGS, +FLAGS or -FLAGS (optionally .SILENT) in STORE at column 16', 'A1'],
  ['A1 LIST (RECURSIVEMATCH) "" *', 'RECURSIVEMATCH needs another selection option at column 25', 'A1'],
  ['A1 LIST (BOGUS) "" *', 'Unknown LIST selection option "BOGUS" at column 15', 'A1'],
  ['A1 STATUS INBOX (MESSAGES FOO)', 'Unknown status item "FOO" at column 30', 'A1'],
  ['A1 APPEND INBOX "hello"', 'Expected a date-time like "01-Feb-1994 21:30:00 +0100" as the APPEND date-time at column 17', 'A1'],
  ['A1 APPEND INBOX (\\Seen)', 'Expected a space after the flags at column 24', 'A1'],
  ['A1 SELECT INBOX (QRESYNC)', 'Expected a space after QRESYNC at column 25', 'A1'],
  ['A1 SELECT INBOX (FOO)', 'Unknown select parameter "FOO" at column 21', 'A1'],
  ['A1 SELECT INBOX (QRESYNC (0 1))', 'Expected a non-zero number as the UIDVALIDITY at column 27', 'A1'],
  ['A1 FETCH 99999999999 FLAGS', 'Number 99999999999 out of range at column 10', 'A1'],
];

test('invalid commands -> ParseError saying what was expected where', () => {
  for (const [line, message, tag] of invalid) {
    assert.throws(() => parse(line), (e: unknown) => {
      assert.ok(e instanceof ParseError, line);
      assert.equal(e.message, message, line);
      assert.equal(e.tag, tag, line);
      return true;
    });
  }
});

test('nesting deeper than maxNesting is refused, also via NOT chains', () => {
  assert.deepEqual(parseCommand(req('A1 SEARCH ((SEEN))'), 2).name, 'SEARCH');
  assert.throws(() => parseCommand(req('A1 SEARCH (((SEEN)))'), 2), /Nesting deeper than 2/);
  assert.throws(() => parse('A1 SEARCH ' + 'NOT '.repeat(100) + 'SEEN'), /Nesting deeper than 64/);
  assert.throws(() => parse('A1 SEARCH ' + '('.repeat(10000) + 'SEEN' + ')'.repeat(10000)), /Nesting deeper than 64/);
});

test('APPEND without a literal, literal where an atom is needed', () => {
  assert.throws(() => parseCommand(req('A1 APPEND INBOX ', Buffer.from('x'), ' extra')), /Expected the message as a literal in APPEND/);
  assert.throws(() => parseCommand(req('A1 FETCH ', Buffer.from('1'), ' FLAGS')), /Expected a sequence set after FETCH at column 10/);
});
