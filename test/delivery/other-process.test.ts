// Commits made by other processes reach clients in IDLE (src/store/sqlite/external-changes.ts): mail
// that an MTA pipes to `postkeep deliver` while the server runs, and flag changes and a deleted
// mailbox from a second connection to the same database (SQLite cannot tell it from another process).
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { analyzeMessage } from '../../src/mime/analyze.js';
import { openSqliteStore, type SqliteStore } from '../../src/store/sqlite/index.js';
import { ImapClient } from '../helpers/imap-client.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { runCli } from '../cli/run.js';

describe('changes committed by another process', () => {
  let server: TestServer;
  let other: SqliteStore;
  let config: string;

  before(async () => {
    server = await startTestServer();
    await server.addUser('pipe', 'secret');
    config = join(server.dataDir, 'deliver.toml');
    writeFileSync(config, `data_dir = ${JSON.stringify(server.dataDir)}\n`);
    other = await openSqliteStore({ dataDir: server.dataDir, analyze: analyzeMessage, fsync: false });
  });
  after(async () => {
    await other?.close();
    await server?.stop();
  });

  async function idleIn(mailbox: string): Promise<ImapClient> {
    const c = await ImapClient.connect({ port: server.port });
    await c.login('pipe', 'secret');
    await c.ok(`SELECT ${mailbox}`);
    c.sendLine('i IDLE');
    await c.waitFor((r) => r.tag === '+');
    return c;
  }

  it('a message from postkeep deliver is announced to a client in IDLE', async () => {
    const c = await idleIn('INBOX');
    try {
      const delivered = await runCli(['--config', config, 'deliver', '--user', 'pipe'], 'From: a@remote.test\nSubject: piped\n\nhello\n');
      assert.deepEqual(delivered, { code: 0, stdout: '', stderr: '' });
      await c.waitFor((r) => r.text === '* 1 EXISTS');
      c.sendLine('DONE');
      await c.waitFor((r) => r.text.startsWith('i OK'));
      const fetched = await c.ok('FETCH 1 (BODY.PEEK[HEADER.FIELDS (SUBJECT)])');
      assert.match(fetched.lines.join('\n'), /Subject: piped/);
    } finally {
      await c.close();
    }
  });

  it('a flag change from another connection is announced as FETCH', async () => {
    const c = await idleIn('INBOX');
    try {
      const account = await other.findAccount('pipe');
      const inbox = account && (await other.getMailbox(account.id, 'INBOX'));
      assert.ok(inbox);
      const [first] = await other.listMessages(inbox.id);
      assert.ok(first);
      await other.storeFlags(inbox.id, [first.uid], 'add', ['\\Flagged']);
      await c.waitFor((r) => /^\* 1 FETCH \(.*FLAGS \(.*\\Flagged/.test(r.text));
      c.sendLine('DONE');
      await c.waitFor((r) => r.text.startsWith('i OK'));
    } finally {
      await c.close();
    }
  });

  it('a client whose selected mailbox another connection deletes gets BYE', async () => {
    const account = await other.findAccount('pipe');
    assert.ok(account);
    await other.createMailbox(account.id, 'Doomed');
    const c = await idleIn('Doomed');
    try {
      await other.deleteMailbox(account.id, 'Doomed');
      await c.waitFor((r) => r.text.startsWith('* BYE'));
      await c.closed;
    } finally {
      await c.close();
    }
  });
});
