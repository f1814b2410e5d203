// DESIGN.md rule 4: one user never sees another's mail. Alice tries every command that takes a
// mailbox name on names that could reach Bob's mailboxes; nothing of Bob's is listed, opened,
// read, written, renamed or deleted. And names with "..", odd "/", control characters, NUL, DEL or
// over-long levels are refused with a clear NO.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ImapClient, quote } from '../helpers/imap-client.js';
import { startSecurityServer } from './harness.js';

const SECRET = 'bob-secret-payload';
const PROBES = ['../bob/INBOX', 'bob/INBOX', '#shared/..', '#shared/bob/INBOX', '~bob', '~bob/INBOX', 'INBOX/../../bob', '/bob/INBOX', '../bob/Private', 'bob', 'Private', '..', '../../..'];

test('alice cannot reach bob\'s mailboxes by any name', async () => {
  const s = await startSecurityServer();
  try {
    const alice = await s.addUser('alice');
    const bob = await s.addUser('bob');
    await s.seed(bob, 'INBOX', `Subject: ${SECRET}\r\n\r\n${SECRET}\r\n`);
    await s.store.createMailbox(bob.id, 'Private');
    await s.seed(alice, 'INBOX', 'Subject: mine\r\n\r\nalice text\r\n');
    const bobBefore = JSON.stringify(await bobState());

    const c = await ImapClient.connect({ port: s.imapPort });
    await c.login('alice', 'secret');
    await c.ok('ENABLE IMAP4rev2');
    const everything: string[] = [];
    const run = async (cmd: string | Parameters<ImapClient['cmd']>[0]): Promise<Awaited<ReturnType<ImapClient['cmd']>>> => {
      const r = await c.cmd(cmd);
      everything.push(r.tagged, ...r.lines);
      return r;
    };
    const list = await run('LIST "" "*"');
    assert.ok(list.lines.some((l) => /"?INBOX"?$/.test(l)));
    assert.ok(list.lines.every((l) => !/bob|Private/.test(l)), list.lines.join('\n'));
    for (const [ref, pattern] of [['~bob/', '*'], ['../bob/', '*'], ['', '../*'], ['', '#shared/*'], ['/', '*'], ['', '%/%/%']]) {
      const r = await run(`LIST ${quote(ref as string)} ${quote(pattern as string)}`);
      assert.ok(r.lines.every((l) => !/bob|Private/.test(l)), `${ref} ${pattern}: ${r.lines.join('; ')}`);
    }
    for (const name of PROBES) {
      const q = quote(name);
      for (const cmd of [`SELECT ${q}`, `EXAMINE ${q}`, `STATUS ${q} (MESSAGES UIDNEXT)`, `DELETE ${q}`, `RENAME ${q} Stolen`, `GETMETADATA ${q} /private/comment`, `GETQUOTAROOT ${q}`]) {
        const r = await run(cmd);
        if (cmd.startsWith('GETQUOTAROOT')) {
          // The mailbox need not exist (RFC 9208 §4.1.2): the answer is Alice's own root "" only.
          assert.ok(r.lines.every((l) => / ""( |$)/.test(l) || /^\* QUOTA "" /.test(l)), `${cmd}: ${r.lines.join('; ')}`);
          continue;
        }
        assert.notEqual(r.status, 'OK', `${cmd}: ${r.tagged}`);
      }
      const append = await run([`APPEND ${q} `, { literal: 'Subject: planted\r\n\r\nx\r\n' }]);
      assert.notEqual(append.status, 'OK', `APPEND ${name}`);
      assert.equal((await run(`SUBSCRIBE ${q}`)).status === 'OK' || true, true);
    }
    // Subscribing to such a name shows nothing of Bob's.
    const lsub = await run('LIST (SUBSCRIBED) "" "*" RETURN (STATUS (MESSAGES))');
    assert.ok(lsub.lines.every((l) => !/MESSAGES [1-9]/.test(l) || /INBOX"?\s*\(/.test(l)), lsub.lines.join('\n'));
    // From her own INBOX: no copy or move lands anywhere of Bob's, and nothing of Bob's is found.
    await c.ok('SELECT INBOX');
    for (const name of PROBES) {
      for (const cmd of [`COPY 1 ${quote(name)}`, `MOVE 1 ${quote(name)}`]) {
        const r = await run(cmd);
        assert.notEqual(r.status, 'OK', `${cmd}: ${r.tagged}`);
      }
    }
    const search = await run(`SEARCH TEXT ${SECRET}`);
    assert.ok(search.lines.every((l) => !/\d/.test(l.replace(/^\* (ESEARCH|SEARCH)/, '').replace(/\(TAG "[^"]*"\)/, ''))), search.lines.join('\n'));
    await run('FETCH 1:* (BODY.PEEK[] ENVELOPE)');
    await run('UID FETCH 1:4294967295 (BODY.PEEK[])');
    assert.ok(!everything.join('\n').includes(SECRET), 'nothing of Bob\'s mail ever reached Alice');
    await c.close();
    assert.equal(JSON.stringify(await bobState()), bobBefore, 'Bob\'s mailboxes and messages are untouched');
    assert.deepEqual(s.errors(), []);

    async function bobState(): Promise<unknown> {
      const boxes = await s.store.listMailboxes(bob.id);
      return Promise.all(boxes.map(async (b) => ({ name: b.name, messages: (await s.store.listMessages(b.id)).length })));
    }
  } finally {
    await s.stop();
  }
});

test('mailbox names with .., odd /, control characters, NUL, DEL or over-long levels get a clear NO', async () => {
  const s = await startSecurityServer();
  try {
    await s.addUser('alice');
    const c = await ImapClient.connect({ port: s.imapPort });
    await c.login('alice', 'secret');
    await c.ok('ENABLE IMAP4rev2');
    await c.ok('CREATE Real');
    const bad: Array<[string, RegExp]> = [
      ['..', /"\.\." is not allowed/],
      ['a/../b', /"\.\." is not allowed/],
      ['./a', /"\." is not allowed/],
      ['/a', /empty hierarchy level/],
      ['a//b', /empty hierarchy level/],
      ['a\u0001b', /control characters/],
      ['a\u0000b', /control characters/],
      ['a\u007fb', /control characters/],
      ['a\u001bb', /control characters/],
      ['x'.repeat(256), /longer than 255 bytes/],
      [`${'abcdefgh/'.repeat(114)}abc`, /longer than 1024 bytes/],
      ['a*b', /not allowed/],
      ['a%b', /not allowed/],
    ];
    for (const [name, why] of bad) {
      for (const cmd of ['CREATE ', 'RENAME Real ']) {
        const r = await c.cmd([cmd, { literal: name }]);
        assert.equal(r.status, 'NO', `${cmd}${JSON.stringify(name)}: ${r.tagged}`);
        assert.match(r.text, /Invalid mailbox name/, `${cmd}${JSON.stringify(name)}`);
        assert.match(r.text, why, `${cmd}${JSON.stringify(name)}: ${r.text}`);
      }
    }
    // A trailing delimiter is dropped (RFC 9051 §6.3.4), and 255-byte levels are fine.
    assert.equal((await c.cmd('CREATE "trail/"')).status, 'OK');
    assert.equal((await c.cmd(`CREATE ${'y'.repeat(255)}`)).status, 'OK');
    const list = await c.cmd('LIST "" "*"');
    assert.ok(list.lines.every((l) => !/[\x00-\x1f\x7f]|\.\./.test(l)), list.lines.join('\n'));
    await c.close();
    assert.deepEqual(s.errors(), []);
  } finally {
    await s.stop();
  }
});
