// SCRAM-SHA-256 over the wire (RFC 7677 with RFC 9051 §6.2.2 and RFC 5034): IMAP AUTHENTICATE with and
// without SASL-IR, POP3 AUTH, capabilities, wrong password and unknown user (one answer), an account made
// before SCRAM existed (fails, then works after one PLAIN login), cancel, bad base64, the throttle, and the
// fake-salt secret surviving a restart. The client side is test/auth/scram-client.ts (node:crypto).
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { hashPassword } from '../../src/auth/password.js';
import { deriveScramRecord } from '../../src/auth/scram.js';
import { analyzeMessage } from '../../src/mime/analyze.js';
import { openSqliteStore } from '../../src/store/sqlite/index.js';
import { ImapClient, type TaggedResult } from '../helpers/imap-client.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { Pop3Client } from '../pop3/client.js';
import { startSecurityServer } from '../security/harness.js';
import { b64, ScramClient, unb64 } from './scram-client.js';

const PASSWORD = 'scram pässword';
// Failures here are on purpose: no throttle waits (test/security covers them with a fake clock).
const limits = { login_failure_delay_ms: 0, login_failure_max_delay_ms: 0, login_lockout_ms: 0, max_auth_failures: 20 };

/** A SCRAM exchange on an IMAP connection; `ir` sends client-first as the SASL-IR initial response. */
async function imapScram(c: ImapClient, user: string, password: string, ir: boolean): Promise<{ result: TaggedResult; authentic: boolean; salt: string }> {
  const client = new ScramClient(user, password);
  const tag = c.nextTag();
  if (ir) {
    c.sendLine(`${tag} AUTHENTICATE SCRAM-SHA-256 ${b64(client.first())}`);
  } else {
    c.sendLine(`${tag} AUTHENTICATE SCRAM-SHA-256`);
    assert.equal((await c.next()).text, '+ ', 'an empty challenge asks for client-first (RFC 4422 §3)');
    c.sendLine(b64(client.first()));
  }
  const serverFirst = unb64((await c.next()).text.slice(2));
  c.sendLine(b64(client.final(serverFirst)));
  const after = await c.next();
  let authentic = false;
  if (after.tag === '+') {
    // RFC 9051 §6.2.2: server-final in a continuation, answered with an empty line.
    authentic = client.serverIsAuthentic(unb64(after.text.slice(2)));
    c.sendLine('');
    return { result: await c.readTagged(tag), authentic, salt: /s=([^,]+)/.exec(serverFirst)?.[1] ?? '' };
  }
  assert.equal(after.tag, tag, `a continuation or the tagged answer: ${after.text}`);
  return { result: taggedFrom(tag, after.text), authentic, salt: /s=([^,]+)/.exec(serverFirst)?.[1] ?? '' };
}

/** The tagged line already read, as a TaggedResult. */
function taggedFrom(tag: string, line: string): TaggedResult {
  const [, status = '', text = ''] = /^\S+ (\S+) ?(.*)$/.exec(line) ?? [];
  return { tag, status, tagged: line, text, untagged: [], lines: [], continuations: [] };
}

describe('SCRAM-SHA-256 over IMAP and POP3', () => {
  let s: TestServer;
  before(async () => {
    s = await startTestServer({ limits });
    await s.store.createAccount('sam', await hashPassword(PASSWORD), await deriveScramRecord(PASSWORD));
    await s.addUser('old', 'old secret'); // made without SCRAM credentials, as before SCRAM existed
  });
  after(async () => {
    await s.stop();
  });
  const imap = (): Promise<ImapClient> => ImapClient.connect({ port: s.port });

  test('IMAP: AUTH=SCRAM-SHA-256 advertised before login, gone after; SASL-IR and continuation logins', async () => {
    const c = await imap();
    try {
      assert.match(c.greeting, /AUTH=PLAIN AUTH=LOGIN AUTH=SCRAM-SHA-256/);
      const { result, authentic } = await imapScram(c, 'sam', PASSWORD, true);
      assert.equal(result.status, 'OK', c.transcript());
      assert.ok(authentic, 'the server proved it holds the ServerKey');
      assert.match(result.text, /^\[CAPABILITY [^\]]*\] Logged in$/);
      assert.doesNotMatch(result.text, /AUTH=/);
      await c.ok('SELECT INBOX');
    } finally {
      await c.close();
    }
    const d = await imap();
    try {
      const { result, authentic } = await imapScram(d, 'sam', PASSWORD, false);
      assert.equal(result.status, 'OK', d.transcript());
      assert.ok(authentic);
    } finally {
      await d.close();
    }
  });

  test('IMAP: a wrong password and an unknown user get the same NO [AUTHENTICATIONFAILED]; fake salts stay put', async () => {
    const c = await imap();
    try {
      const wrong = await imapScram(c, 'sam', 'not it', true);
      const unknown = await imapScram(c, 'nobody', 'not it', true);
      const unknown2 = await imapScram(c, 'nobody', 'not it', false);
      for (const r of [wrong, unknown, unknown2]) {
        assert.equal(r.result.tagged.replace(/^\S+ /, ''), 'NO [AUTHENTICATIONFAILED] Invalid credentials', c.transcript());
        assert.equal(r.authentic, false);
      }
      assert.equal(unknown.salt, unknown2.salt, 'an unknown user always gets the same salt');
      assert.equal(Buffer.from(unknown.salt, 'base64').length, Buffer.from(wrong.salt, 'base64').length, 'fake salts look like real ones');
      // Still not authenticated: SELECT is refused.
      assert.equal((await c.cmd('SELECT INBOX')).status, 'BAD');
    } finally {
      await c.close();
    }
  });

  test('IMAP: an account without SCRAM credentials fails SCRAM, then works after one password login', async () => {
    assert.equal((await s.store.findAccount('old'))?.scram, null);
    const c = await imap();
    try {
      assert.equal((await imapScram(c, 'old', 'old secret', true)).result.status, 'NO');
      await c.ok(`AUTHENTICATE PLAIN ${b64('\0old\0old secret')}`);
    } finally {
      await c.close();
    }
    assert.equal((await s.store.findAccount('old'))?.scram?.iterations, 4096);
    const d = await imap();
    try {
      const r = await imapScram(d, 'old', 'old secret', true);
      assert.equal(r.result.status, 'OK', d.transcript());
      assert.ok(r.authentic);
    } finally {
      await d.close();
    }
  });

  test('IMAP: cancel, bad base64, malformed SCRAM messages, a non-empty last response', async () => {
    const c = await imap();
    try {
      c.sendLine('a1 AUTHENTICATE SCRAM-SHA-256');
      assert.equal((await c.next()).text, '+ ');
      c.sendLine('*');
      assert.match((await c.readTagged('a1')).tagged, /^a1 BAD .*cancel/i);

      const client = new ScramClient('sam', PASSWORD);
      c.sendLine(`a2 AUTHENTICATE SCRAM-SHA-256 ${b64(client.first())}`);
      assert.equal((await c.next()).tag, '+');
      c.sendLine('*');
      assert.match((await c.readTagged('a2')).tagged, /^a2 BAD /, 'cancel after server-first');

      assert.match((await c.cmd('AUTHENTICATE SCRAM-SHA-256 =AAA')).tagged, /BAD Invalid base64/);
      c.sendLine('a3 AUTHENTICATE SCRAM-SHA-256');
      await c.next();
      c.sendLine('not base64!');
      assert.match((await c.readTagged('a3')).tagged, /^a3 BAD Invalid base64/);

      assert.match((await c.cmd(`AUTHENTICATE SCRAM-SHA-256 ${b64('hello')}`)).tagged, /NO \[AUTHENTICATIONFAILED\] Malformed SCRAM message/);
      assert.match((await c.cmd(`AUTHENTICATE SCRAM-SHA-256 ${b64('p=tls-unique,,n=sam,r=abc')}`)).tagged, /NO \[AUTHENTICATIONFAILED\].*channel binding/);

      const other = new ScramClient('sam', PASSWORD);
      c.sendLine(`a4 AUTHENTICATE SCRAM-SHA-256 ${b64(other.first())}`);
      c.sendLine(b64(other.final(unb64((await c.next()).text.slice(2)))));
      assert.equal((await c.next()).tag, '+');
      c.sendLine(b64('unexpected'));
      assert.match((await c.readTagged('a4')).tagged, /^a4 NO \[AUTHENTICATIONFAILED\]/);
    } finally {
      await c.close();
    }
  });

  test('POP3: SASL ... SCRAM-SHA-256 in CAPA and AUTH; login with and without an initial response; failures', async () => {
    const p = await Pop3Client.connect({ port: s.pop3Port });
    try {
      assert.equal(await p.cmd('CAPA'), '+OK Capability list follows');
      assert.ok((await p.multiline()).includes('SASL PLAIN LOGIN SCRAM-SHA-256'));
      assert.equal(await p.cmd('AUTH'), '+OK Mechanisms follow');
      assert.deepEqual(await p.multiline(), ['PLAIN', 'LOGIN', 'SCRAM-SHA-256']);

      const exchange = async (user: string, password: string, ir: boolean): Promise<{ answer: string; authentic: boolean }> => {
        const client = new ScramClient(user, password);
        let line: string;
        if (ir) line = await p.cmd(`AUTH SCRAM-SHA-256 ${b64(client.first())}`);
        else {
          assert.equal(await p.cmd('AUTH SCRAM-SHA-256'), '+ ');
          line = await p.cmd(b64(client.first()));
        }
        assert.match(line, /^\+ /);
        line = await p.cmd(b64(client.final(unb64(line.slice(2)))));
        if (!line.startsWith('+ ')) return { answer: line, authentic: false };
        const authentic = client.serverIsAuthentic(unb64(line.slice(2)));
        return { answer: await p.cmd(''), authentic };
      };
      const wrong = await exchange('sam', 'nope', true);
      const unknown = await exchange('nobody', 'nope', false);
      assert.equal(wrong.answer, '-ERR [AUTH] Invalid credentials');
      assert.equal(unknown.answer, wrong.answer);
      assert.equal(await p.cmd('AUTH SCRAM-SHA-256'), '+ ');
      assert.equal(await p.cmd('*'), '-ERR Authentication cancelled');
      assert.match(await p.cmd('AUTH SCRAM-SHA-256 =AAA'), /^-ERR Invalid base64/);
      const ok = await exchange('sam', PASSWORD, false);
      assert.ok(ok.authentic);
      assert.match(ok.answer, /^\+OK Logged in/);
      assert.match(await p.cmd('STAT'), /^\+OK 0 0/);
    } finally {
      await p.close();
    }
  });
});

test('plaintext refused: SCRAM still offered and works on a plain connection (IMAP and POP3)', async () => {
  const s = await startTestServer({ plaintextAuth: 'never', pop3PlaintextAuth: 'never', limits });
  try {
    await s.store.createAccount('sam', await hashPassword(PASSWORD), await deriveScramRecord(PASSWORD));
    const c = await ImapClient.connect({ port: s.port });
    try {
      assert.match(c.greeting, /LOGINDISABLED/);
      assert.match(c.greeting, /AUTH=SCRAM-SHA-256/);
      assert.doesNotMatch(c.greeting, /AUTH=PLAIN|AUTH=LOGIN/);
      assert.match((await c.cmd(`AUTHENTICATE PLAIN ${b64('\0sam\0x')}`)).tagged, /NO \[PRIVACYREQUIRED\]/);
      const r = await imapScram(c, 'sam', PASSWORD, true);
      assert.equal(r.result.status, 'OK', c.transcript());
    } finally {
      await c.close();
    }
    const p = await Pop3Client.connect({ port: s.pop3Port });
    try {
      await p.cmd('CAPA');
      const caps = await p.multiline();
      assert.ok(caps.includes('SASL SCRAM-SHA-256') && !caps.includes('USER'), caps.join('|'));
      const client = new ScramClient('sam', PASSWORD);
      const first = await p.cmd(`AUTH SCRAM-SHA-256 ${b64(client.first())}`);
      const last = await p.cmd(b64(client.final(unb64(first.slice(2)))));
      assert.ok(client.serverIsAuthentic(unb64(last.slice(2))));
      assert.match(await p.cmd(''), /^\+OK Logged in/);
    } finally {
      await p.close();
    }
  } finally {
    await s.stop();
  }
});

test('SCRAM failures count in the login throttle like wrong passwords', async () => {
  const throttled = { maxAuthFailures: 100, loginFailureDelayMs: 100, loginFailureMaxDelayMs: 400, loginLockoutUserFailures: 3, loginLockoutIpFailures: 50, loginLockoutMs: 60_000 };
  const s = await startSecurityServer({ limits: throttled });
  try {
    await s.store.createAccount('sam', await hashPassword(PASSWORD), await deriveScramRecord(PASSWORD));
    const c = await ImapClient.connect({ port: s.imapPort });
    try {
      for (let i = 0; i < 3; i++) assert.equal((await imapScram(c, 'sam', 'guess', true)).result.status, 'NO');
      assert.deepEqual(s.clock.sleeps, [100, 200]);
      // Locked: refused before any challenge, even with the right password.
      const locked = await c.cmd(`AUTHENTICATE SCRAM-SHA-256 ${b64(new ScramClient('sam', PASSWORD).first())}`);
      assert.match(locked.tagged, /NO \[UNAVAILABLE\] Too many failed logins/);
      s.clock.advance(60_001);
      assert.equal((await imapScram(c, 'sam', PASSWORD, true)).result.status, 'OK', c.transcript());
    } finally {
      await c.close();
    }
    assert.deepEqual(s.errors(), []);
  } finally {
    await s.stop();
  }
});

test('the fake-salt secret is kept in the store: the same after a restart', async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'postkeep-scram-'));
  try {
    const open = (): ReturnType<typeof openSqliteStore> => openSqliteStore({ dataDir, analyze: analyzeMessage, fsync: false });
    const a = await open();
    const first = await a.serverSecret('scram-fake-credentials');
    await a.close();
    const b = await open();
    assert.deepEqual(await b.serverSecret('scram-fake-credentials'), first);
    await b.close();
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
});
