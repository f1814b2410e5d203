// Selected-state commands end to end: SELECT/EXAMINE responses, APPEND (literals, LITERAL+, TOOBIG,
// TRYCREATE) + FETCH, STORE echo, EXPUNGE numbering, SEARCH forms, COPY/MOVE codes, mailbox management.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ImapClient } from '../../helpers/imap-client.js';
import { message, startTestImap, type TestImap } from './harness.js';
import type { Account } from '../../../src/store/types.js';

let srv: TestImap;
let n = 0;
before(async () => {
  srv = await startTestImap({ limits: { maxMessageBytes: 100_000 } });
});
after(async () => {
  await srv.stop();
  assert.deepEqual(srv.errors, [], 'no server errors were logged');
});

/** A fresh user per test, logged in. */
async function user(): Promise<{ c: ImapClient; account: Account; login: string }> {
  const login = `u${++n}`;
  const account = await srv.addUser(login, 'secret');
  const c = await ImapClient.connect({ port: srv.port });
  await c.login(login, 'secret');
  return { c, account, login };
}

test('SELECT and EXAMINE responses (IMAP4rev1 and IMAP4rev2)', async () => {
  const { c, account } = await user();
  try {
    await srv.seed(account, 'INBOX', message('one'), ['\\Seen']);
    await srv.seed(account, 'INBOX', message('two'), ['$Work']);
    const r = await c.ok('SELECT INBOX');
    assert.deepEqual(r.lines.slice(0, 4), [
      '* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft $Work)',
      '* OK [PERMANENTFLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft $Work \\*)] Flags permitted',
      '* 2 EXISTS',
      '* 2 RECENT',
    ]);
    assert.ok(r.lines.includes('* OK [UNSEEN 2] First unseen'));
    assert.ok(r.lines.some((l) => /^\* OK \[UIDVALIDITY \d+\]/.test(l)));
    assert.ok(r.lines.includes('* OK [UIDNEXT 3] Predicted next UID'));
    assert.match(r.tagged, /OK \[READ-WRITE\] SELECT completed/);
    const e = await c.ok('EXAMINE INBOX');
    assert.ok(e.lines.includes('* 0 RECENT'), 'the first SELECT claimed \\Recent');
    assert.ok(e.lines.includes('* OK [PERMANENTFLAGS ()] No permanent flags permitted'));
    assert.match(e.tagged, /\[READ-ONLY\]/);
    assert.match((await c.cmd('STORE 1 +FLAGS (\\Flagged)')).tagged, /NO .*read-only/);
    await c.ok('UNSELECT');
    await c.ok('ENABLE IMAP4rev2');
    const r2 = await c.ok('SELECT inbox');
    assert.ok(!r2.lines.some((l) => /RECENT|UNSEEN/.test(l)), 'no RECENT/UNSEEN under IMAP4rev2');
    assert.ok(r2.lines.includes('* LIST () "/" "INBOX"'));
    const r3 = await c.ok('SELECT Trash');
    assert.equal(r3.lines[0], '* OK [CLOSED] Previous mailbox is now closed');
    const missing = await c.cmd('SELECT Nope');
    assert.match(missing.tagged, /NO \[NONEXISTENT\]/);
    assert.match((await c.cmd('FETCH 1 FLAGS')).tagged, /BAD FETCH is not valid in the authenticated state/, 'a failed SELECT deselects');
  } finally {
    await c.close();
  }
});

test('APPEND with synchronizing and non-synchronizing literals, then FETCH; TOOBIG; TRYCREATE', async () => {
  const { c } = await user();
  try {
    const body = message('appended', 'Body text here.');
    const a = await c.ok(['APPEND INBOX (\\Flagged) "01-Jan-2024 10:00:00 +0000" ', { literal: body }]);
    assert.match(a.tagged, /OK \[APPENDUID \d+ 1\] APPEND completed/);
    assert.equal(a.continuations.length, 1);
    const b = await c.ok(['APPEND INBOX ', { literal: message('second'), nonSync: true }]);
    assert.equal(b.continuations.length, 0);
    assert.match(b.tagged, /APPENDUID \d+ 2\]/);
    const big = await c.cmd(['APPEND INBOX ', { literal: 'x'.repeat(200_000) }]);
    assert.match(big.tagged, /NO \[TOOBIG\]/);
    const nobox = await c.cmd(['APPEND Nope ', { literal: body }]);
    assert.match(nobox.tagged, /NO \[TRYCREATE\]/);
    await c.ok('SELECT INBOX');
    const f = await c.ok('FETCH 1 (FLAGS INTERNALDATE RFC822.SIZE BODY.PEEK[HEADER.FIELDS (SUBJECT)])');
    assert.equal(f.untagged.length, 1);
    const line = f.untagged[0];
    assert.ok(line);
    assert.match(line.text, /^\* 1 FETCH \(FLAGS \(\\Flagged \\Recent\) INTERNALDATE "01-Jan-2024 10:00:00 \+0000" RFC822.SIZE \d+ BODY\[HEADER.FIELDS \(SUBJECT\)\] \{\d+\}/);
    assert.equal(line.literals[0]?.toString(), 'Subject: appended\r\n\r\n');
    // A non-PEEK body fetch sets \Seen and reports the new FLAGS.
    const g = await c.ok('UID FETCH 1 BODY[TEXT]');
    assert.match(g.untagged[0]?.text ?? '', /^\* 1 FETCH \(UID 1 BODY\[TEXT\] \{\d+\}\r\nBody text here.\r\n FLAGS \(\\Seen \\Flagged \\Recent\)\)$/);
  } finally {
    await c.close();
  }
});

test('STORE echoes FETCH FLAGS (UID for UID STORE), .SILENT does not; \\Recent cannot be stored', async () => {
  const { c, account } = await user();
  try {
    for (const s of ['a', 'b', 'c']) await srv.seed(account, 'INBOX', message(s));
    await c.ok('ENABLE IMAP4rev2');
    await c.ok('SELECT INBOX');
    assert.deepEqual((await c.ok('STORE 1:2 +FLAGS (\\Seen)')).lines, ['* 1 FETCH (FLAGS (\\Seen))', '* 2 FETCH (FLAGS (\\Seen))']);
    assert.deepEqual((await c.ok('UID STORE 3 FLAGS (\\Deleted $X)')).lines, ['* 3 FETCH (UID 3 FLAGS (\\Deleted $X))']);
    assert.match((await c.cmd('STORE 1 +FLAGS (\\Recent)')).tagged, /BAD \\Recent cannot be stored/);
    assert.deepEqual((await c.ok('STORE 1 -FLAGS.SILENT (\\Seen)')).lines, []);
    assert.deepEqual((await c.ok('NOOP')).lines, [], 'own changes are not echoed again');
    assert.equal((await c.cmd('STORE 9 +FLAGS (\\Seen)')).status, 'BAD');
  } finally {
    await c.close();
  }
});

test('EXPUNGE numbering, UID EXPUNGE, CLOSE expunges silently', async () => {
  const { c, account } = await user();
  try {
    for (let i = 1; i <= 6; i++) await srv.seed(account, 'INBOX', message(`m${i}`), i % 2 === 0 ? ['\\Deleted'] : []);
    await c.ok('SELECT INBOX');
    // UIDs 2, 4, 6 are deleted: EXPUNGE sends them with numbers valid when read.
    assert.deepEqual((await c.ok('EXPUNGE')).lines, ['* 6 EXPUNGE', '* 4 EXPUNGE', '* 2 EXPUNGE']);
    await c.ok('STORE 1:3 +FLAGS.SILENT (\\Deleted)');
    assert.deepEqual((await c.ok('UID EXPUNGE 3:5')).lines, ['* 3 EXPUNGE', '* 2 EXPUNGE']);
    assert.deepEqual((await c.ok('FETCH 1:* UID')).lines, ['* 1 FETCH (UID 1)']);
    assert.deepEqual((await c.ok('CLOSE')).lines, []);
    const st = await c.ok('STATUS INBOX (MESSAGES UIDNEXT UNSEEN DELETED SIZE)');
    assert.match(st.lines[0] ?? '', /^\* STATUS "INBOX" \(MESSAGES 0 UIDNEXT 7 UNSEEN 0 DELETED 0 SIZE 0\)$/);
  } finally {
    await c.close();
  }
});

test('SEARCH: "* SEARCH" under IMAP4rev1, ESEARCH with RETURN and under IMAP4rev2, BADCHARSET', async () => {
  const { c, account } = await user();
  try {
    await srv.seed(account, 'INBOX', message('apple'), ['\\Seen']);
    await srv.seed(account, 'INBOX', message('banana'));
    await srv.seed(account, 'INBOX', message('apple pie'));
    await c.ok('SELECT INBOX');
    assert.deepEqual((await c.ok('SEARCH SUBJECT apple')).lines, ['* SEARCH 1 3']);
    assert.deepEqual((await c.ok('UID SEARCH UNSEEN')).lines, ['* SEARCH 2 3']);
    const tag = c.nextTag();
    const r = await c.tagged(tag, 'SEARCH RETURN (MIN MAX COUNT) ALL');
    assert.deepEqual(r.lines, [`* ESEARCH (TAG "${tag}") MIN 1 MAX 3 COUNT 3`]);
    assert.match((await c.cmd('SEARCH CHARSET KOI8-R ALL')).tagged, /NO \[BADCHARSET \(US-ASCII UTF-8\)\]/);
    await c.ok('UNSELECT');
    await c.ok('ENABLE IMAP4rev2');
    await c.ok('SELECT INBOX');
    const t2 = c.nextTag();
    assert.deepEqual((await c.tagged(t2, 'UID SEARCH SUBJECT apple')).lines, [`* ESEARCH (TAG "${t2}") UID ALL 1,3`]);
    const t3 = c.nextTag();
    assert.deepEqual((await c.tagged(t3, 'SEARCH SUBJECT cherry')).lines, [`* ESEARCH (TAG "${t3}")`]);
  } finally {
    await c.close();
  }
});

test('COPY and MOVE: COPYUID, TRYCREATE, MOVE expunges after an untagged OK', async () => {
  const { c, account } = await user();
  try {
    for (const s of ['a', 'b', 'c']) await srv.seed(account, 'INBOX', message(s));
    await c.ok('SELECT INBOX');
    const cp = await c.ok('COPY 1:2 Archive');
    assert.match(cp.tagged, /OK \[COPYUID \d+ 1:2 1:2\] COPY completed/);
    assert.match((await c.cmd('COPY 1 Nope')).tagged, /NO \[TRYCREATE\]/);
    const mv = await c.ok('UID MOVE 2:3 Archive');
    assert.match(mv.lines[0] ?? '', /^\* OK \[COPYUID \d+ 2:3 3:4\] Moved$/);
    assert.deepEqual(mv.lines.slice(1), ['* 3 EXPUNGE', '* 2 EXPUNGE']);
    const st = await c.ok('STATUS Archive (MESSAGES)');
    assert.deepEqual(st.lines, ['* STATUS "Archive" (MESSAGES 4)']);
  } finally {
    await c.close();
  }
});

test('CREATE / RENAME / DELETE / SUBSCRIBE / LIST / LSUB', async () => {
  const { c } = await user();
  try {
    await c.ok('CREATE Projects/2024/Q1/');
    assert.match((await c.cmd('CREATE inbox')).tagged, /NO \[ALREADYEXISTS\]/);
    assert.match((await c.cmd('CREATE Projects')).tagged, /NO \[ALREADYEXISTS\]/);
    assert.match((await c.cmd('CREATE "a/../b"')).tagged, /NO \[CANNOT\]/);
    assert.match((await c.cmd('CREATE "a%"')).tagged, /NO \[CANNOT\]/);
    assert.match((await c.cmd('DELETE INBOX')).tagged, /NO \[CANNOT\]/);
    await c.ok('RENAME Projects/2024 Old/2024');
    const l = await c.ok('LIST "" "*"');
    assert.ok(l.lines.includes('* LIST (\\HasChildren) "/" "Old"'), l.lines.join('\n'));
    assert.ok(l.lines.includes('* LIST (\\HasChildren) "/" "Old/2024"'));
    assert.ok(l.lines.includes('* LIST (\\HasNoChildren) "/" "Old/2024/Q1"'));
    assert.ok(l.lines.includes('* LIST (\\HasNoChildren \\Trash) "/" "Trash"'));
    assert.ok(!l.lines.some((x) => x.includes('"Projects/2024"')));
    assert.deepEqual((await c.ok('LIST "" ""')).lines, ['* LIST (\\Noselect) "/" ""']);
    assert.deepEqual((await c.ok('LIST "Old/" "%"')).lines, ['* LIST (\\HasChildren) "/" "Old/2024"']);
    // RFC 9051 §6.3.5: deleting a parent keeps its children; the name stays as \Noselect.
    await c.ok('CREATE Old/Keep');
    await c.ok('DELETE Old');
    assert.ok((await c.ok('LIST "" "Old"')).lines.includes('* LIST (\\Noselect \\HasChildren) "/" "Old"'));
    assert.match((await c.cmd('SELECT Old')).tagged, /NO \[NONEXISTENT\]/);
    await c.ok('CREATE Old');
    await c.ok('DELETE Old/2024/Q1');
    await c.ok('SUBSCRIBE Old');
    const ls = await c.ok('LSUB "" "O*"');
    assert.deepEqual(ls.lines, ['* LSUB () "/" "Old"']);
    const ext = await c.ok('LIST (SUBSCRIBED) "" "*" RETURN (STATUS (MESSAGES))');
    assert.ok(ext.lines.includes('* LIST (\\HasChildren \\Subscribed) "/" "Old"'), ext.lines.join('\n'));
    assert.ok(ext.lines.includes('* STATUS "Old" (MESSAGES 0)'));
    await c.ok('CREATE "Caf&AOk-"');
    assert.ok((await c.ok('LIST "" "Caf*"')).lines.includes('* LIST (\\HasNoChildren) "/" "Caf&AOk-"'));
    assert.equal((await c.cmd('CREATE "Caf&AOk"')).status, 'BAD');
    await c.ok('ENABLE IMAP4rev2');
    assert.ok((await c.ok('LIST "" "Caf*"')).lines.includes('* LIST (\\HasNoChildren) "/" "Café"'));
  } finally {
    await c.close();
  }
});
