// isync's mbsync synchronizes a local Maildir with the server both ways: messages, folders, flags,
// and deletions. Skipped (with a message) only when mbsync is not installed.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync, spawn } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rename, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readFixture } from '../helpers/fixtures.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import type { Account, MessageMeta } from '../../src/store/types.js';

const USER = 'mbsync';
const PASS = 'mbsync-secret';

function mbsyncVersion(): [number, number] | null {
  const r = spawnSync('mbsync', ['--version'], { encoding: 'utf8' });
  if (r.error || r.status !== 0) return null;
  const m = /(\d+)\.(\d+)/.exec(r.stdout);
  return m ? [Number(m[1]), Number(m[2])] : [1, 4];
}

const version = mbsyncVersion();
// Maildir files use LF line ends, and mbsync adds an X-TUID header to the messages it propagates.
const lf = (b: Buffer | string): string =>
  b
    .toString('latin1')
    .replace(/\r\n/g, '\n')
    .replace(/^X-TUID: .*\n/m, '');

async function runMbsync(rc: string): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn('mbsync', ['-V', '-c', rc, '-a'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const killer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('close', (code) => {
      clearTimeout(killer);
      resolve({ code, out });
    });
  });
}

/** Maildir files of a folder: name -> content (cur and new). */
async function maildir(dir: string): Promise<Array<{ path: string; name: string; flags: string; content: string }>> {
  const out: Array<{ path: string; name: string; flags: string; content: string }> = [];
  for (const sub of ['cur', 'new']) {
    let names: string[] = [];
    try {
      names = await readdir(join(dir, sub));
    } catch {
      continue;
    }
    for (const name of names) {
      const path = join(dir, sub, name);
      const flags = /:2,([A-Za-z]*)$/.exec(name)?.[1] ?? '';
      out.push({ path, name, flags, content: (await readFile(path)).toString('latin1') });
    }
  }
  return out;
}

describe('mbsync (isync)', { skip: version === null ? 'mbsync is not installed (apt-get install isync)' : false }, () => {
  let server: TestServer;
  let dir: string;
  let account: Account;
  before(async () => {
    server = await startTestServer();
    account = await server.addUser(USER, PASS);
    dir = await mkdtemp(join(tmpdir(), 'postkeep-mbsync-'));
  });
  after(async () => {
    await server?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  async function serverMessages(mailbox: string): Promise<Array<MessageMeta & { text: string }>> {
    const mb = await server.store.getMailbox(account.id, mailbox);
    if (!mb) return [];
    const metas = await server.store.listMessages(mb.id);
    return Promise.all(metas.map(async (m) => ({ ...m, text: (await server.store.readMessage(m.blobId)).toString('latin1') })));
  }

  it('syncs both ways, with flags, folders and deletions', async () => {
    const [major, minor] = version ?? [1, 4];
    const tlsKey = major > 1 || (major === 1 && minor >= 5) ? 'TLSType' : 'SSLType';
    const local = join(dir, 'mail');
    const rc = join(dir, 'mbsyncrc');
    await writeFile(
      rc,
      [
        'IMAPAccount postkeep',
        'Host 127.0.0.1',
        `Port ${server.port}`,
        `User ${USER}`,
        `Pass ${PASS}`,
        `${tlsKey} None`,
        'AuthMechs LOGIN',
        '',
        'IMAPStore remote',
        'Account postkeep',
        '',
        'MaildirStore local',
        `Path ${local}/`,
        `Inbox ${local}/INBOX`,
        'SubFolders Verbatim',
        '',
        'Channel sync',
        'Far :remote:',
        'Near :local:',
        'Patterns *',
        'Create Both',
        'Expunge Both',
        'SyncState *',
        '',
      ].join('\n'),
    );

    const simple = await readFixture('transcripts', 'simple.eml');
    const b64 = await readFixture('transcripts', 'base64.eml');
    const latin1 = await readFixture('transcripts', 'latin1.eml');
    const encoded = await readFixture('transcripts', 'encoded-subject.eml');
    const multipart = await readFixture('transcripts', 'multipart.eml');
    // server side: two in INBOX, one in a folder that does not exist locally
    await server.seed(USER, 'INBOX', simple, ['\\Seen']);
    await server.seed(USER, 'INBOX', b64, ['\\Flagged']);
    await server.store.createMailbox(account.id, 'Lists');
    await server.seed(USER, 'Lists', latin1, []);
    // local side: one flagged message in INBOX, one in a folder the server lacks
    for (const f of ['INBOX', 'LocalOnly']) for (const sub of ['cur', 'new', 'tmp']) await mkdir(join(local, f, sub), { recursive: true });
    await writeFile(join(local, 'INBOX', 'cur', '1700000000.P1Q1.localhost,U=0:2,F'), Buffer.from(lf(encoded), 'latin1'));
    await writeFile(join(local, 'LocalOnly', 'new', '1700000001.P1Q2.localhost'), Buffer.from(lf(multipart), 'latin1'));

    const first = await runMbsync(rc);
    assert.equal(first.code, 0, `mbsync failed:\n${first.out}`);

    // local got the server's messages, byte for byte (Maildir stores LF line ends)
    const inbox = await maildir(join(local, 'INBOX'));
    assert.equal(inbox.length, 3, inbox.map((m) => m.name).join('\n'));
    const find = (files: typeof inbox, content: Buffer): (typeof inbox)[number] | undefined =>
      files.find((m) => lf(m.content) === lf(content.toString('latin1')));
    const localSimple = find(inbox, simple);
    const localB64 = find(inbox, b64);
    const listing = (): string => inbox.map((m) => `--- ${m.name}\n${JSON.stringify(m.content.slice(0, 300))}`).join('\n');
    assert.ok(localSimple, `simple.eml is in the local INBOX unchanged; local INBOX:\n${listing()}`);
    assert.ok(localB64, 'base64.eml is in the local INBOX unchanged');
    assert.equal(localSimple.flags, 'S');
    assert.equal(localB64.flags, 'F');
    const lists = await maildir(join(local, 'Lists'));
    assert.equal(lists.length, 1);
    assert.ok(find(lists, latin1), 'the 8-bit latin1 message arrives unchanged');

    // the server got the local messages and folder
    const srvInbox = await serverMessages('INBOX');
    assert.equal(srvInbox.length, 3);
    const up = srvInbox.find((m) => m.text.includes('Message-ID: <m2.muenchen@example.de>'));
    assert.ok(up, 'the local message was uploaded');
    assert.equal(lf(up.text.replace(/^X-TUID: .*\r?\n/m, '')), lf(encoded.toString('latin1')));
    assert.deepEqual([...up.flags], ['\\Flagged']);
    const localOnly = await serverMessages('LocalOnly');
    assert.equal(localOnly.length, 1, 'Create Both made LocalOnly on the server');
    assert.equal(lf((localOnly[0]?.text ?? '').replace(/^X-TUID: .*\r?\n/m, '')), lf(multipart.toString('latin1')));

    // changes on both sides: local deletes one and flags another, the server flags one
    await unlink(localSimple.path);
    await rename(localB64.path, localB64.path.replace(/:2,[A-Za-z]*$/, ':2,FS'));
    const listsMb = await server.store.getMailbox(account.id, 'Lists');
    assert.ok(listsMb);
    const listsUid = (await server.store.listMessages(listsMb.id))[0]?.uid ?? 0;
    await server.store.storeFlags(listsMb.id, [listsUid], 'add', ['\\Flagged']);

    const second = await runMbsync(rc);
    assert.equal(second.code, 0, `second mbsync failed:\n${second.out}`);

    const after2 = await serverMessages('INBOX');
    const state = (): string => `${after2.map((m) => `uid ${m.uid} ${m.flags.join(' ')} ${/Message-ID: (.*)/.exec(m.text)?.[1]}`).join('\n')}\nmbsync output:\n${second.out}`;
    assert.ok(!after2.some((m) => m.text.includes('Message-ID: <m1.quarterly@example.org>')), `the locally deleted message is expunged on the server; server INBOX:\n${state()}`);
    assert.equal(after2.length, 2);
    const b64srv = after2.find((m) => m.text.includes('Message-ID: <m5.zebra@example.com>'));
    assert.deepEqual([...(b64srv?.flags ?? [])].sort(), ['\\Flagged', '\\Seen']);
    const lists2 = await maildir(join(local, 'Lists'));
    assert.equal(lists2[0]?.flags, 'F', 'the server-side \\Flagged reached the Maildir');
    const inbox2 = await maildir(join(local, 'INBOX'));
    assert.equal(inbox2.length, 2);
  });
});
