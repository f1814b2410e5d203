// Python's imaplib (the standard library client) runs a full session: test/clients/imaplib_session.py.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fixturePath } from '../helpers/fixtures.js';
import { ImapClient } from '../helpers/imap-client.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

const USER = 'pyuser';
const PASS = 'py-secret';

type Result = Record<string, unknown> & { ok: boolean; error?: string; steps: string[] };

describe('Python imaplib', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
    await server.addUser(USER, PASS);
  });
  after(async () => {
    await server?.stop();
  });

  it('runs a full session (login, list, create, append, select, search, fetch, store, copy, move, expunge, idle)', async () => {
    const script = fixturePath('..', 'clients', 'imaplib_session.py');
    const child = spawn('python3', [script, '127.0.0.1', String(server.port), USER, PASS], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    const killer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    let result: Result | null = null;
    let idleLine = '';
    try {
      for await (const line of createInterface({ input: child.stdout })) {
        const obj = JSON.parse(line) as Record<string, unknown>;
        if (typeof obj['idling'] === 'string') {
          idleLine = obj['idling'];
          // deliver through a second IMAP connection while the script idles
          const c = await ImapClient.connect({ port: server.port, name: 'W' });
          try {
            await c.login(USER, PASS);
            await c.ok(['APPEND INBOX ', { literal: 'Subject: wake up\r\n\r\nnew mail\r\n', nonSync: true }]);
          } finally {
            await c.close();
          }
        } else {
          result = obj as Result;
        }
      }
    } finally {
      await exited;
      clearTimeout(killer);
    }
    assert.ok(result, `no result from the script; stderr: ${stderr}`);
    assert.equal(result.ok, true, `imaplib failed after steps ${result.steps.join(', ')}: ${result.error}\n${stderr}`);
    const r = result as Record<string, any>;
    for (const cap of ['IMAP4REV1', 'IDLE', 'UIDPLUS', 'MOVE']) assert.ok((r.capabilities as string[]).includes(cap), `imaplib capabilities: ${r.capabilities}`);
    assert.equal(r.login, 'OK');
    assert.ok((r.list as string[]).some((l) => /\\Sent/.test(l) && /Sent"?$/.test(l)), JSON.stringify(r.list));
    assert.equal(r.create, 'OK');
    assert.equal(r.create_again[0], 'NO');
    assert.match(r.create_again[1][0], /\[ALREADYEXISTS\]/);
    assert.equal(r.append[0], 'OK');
    assert.match(r.append[1][0], /\[APPENDUID \d+ 1\]/);
    assert.deepEqual(r.select, ['OK', ['1']]);
    assert.deepEqual(r.search, ['OK', ['1']]);
    assert.deepEqual(r.search_charset, ['OK', ['1']]);
    assert.equal(r.fetch_body[0], 'OK');
    assert.match(r.fetch_body[1], /^From: Py Thon <py@example.org>\r\n[\s\S]*\r\n\r\nHello from imaplib, with a pineapple\.\r\n$/);
    assert.match(JSON.stringify(r.fetch_bodystructure), /BODYSTRUCTURE \(\\"(TEXT|text)\\" \\"(PLAIN|plain)\\"/);
    assert.match(JSON.stringify(r.fetch_envelope), /imaplib test message/);
    assert.equal(r.store[0], 'OK');
    assert.match(r.store[1][0], /\\Flagged/);
    assert.equal(r.copy[0], 'OK');
    assert.match(r.copy[1][0], /\[COPYUID \d+ 1 1\]/);
    assert.equal(r.uid_copy[0], 'OK');
    assert.match(r.uid_copy[1][0], /\[COPYUID \d+ 1 2\]/);
    assert.equal(r.uid_move[0], 'OK');
    assert.match(String(r.uid_move[2]?.[0]), /^\d+ 1 1$/, `COPYUID of UID MOVE (untagged OK): ${JSON.stringify(r.uid_move)}`);
    assert.deepEqual(r.select_archive, ['OK', ['2']]);
    assert.equal(r.archive_flags[0], 'OK');
    for (const line of r.archive_flags[1] as string[]) assert.match(line, /\\Seen/, 'flags are copied');
    assert.deepEqual(r.expunge, ['OK', ['1']]);
    assert.match(r.status[1][0], /MESSAGES 1/);
    assert.match(r.status[1][0], /UIDNEXT 3/);
    assert.match(r.status_trash[1][0], /MESSAGES 1/);
    assert.match(idleLine, /^\+/);
    assert.ok((r.idle as string[]).some((l) => /^\* 2 EXISTS$/.test(l)), `IDLE lines: ${JSON.stringify(r.idle)}`);
    assert.match((r.idle as string[]).at(-1) ?? '', /^\S+ OK/);
    assert.equal(r.logout, 'BYE');
  });
});
