// Runs every transcript file in test/fixtures/transcripts/*.imap against one live server; each file
// gets its own fresh account (login = file name) so that files do not see each other's mail.
import { after, before, describe, it } from 'node:test';
import { readdirSync, readFileSync } from 'node:fs';
import { fixturePath } from '../helpers/fixtures.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { runTranscript } from '../helpers/transcript.js';

const dir = fixturePath('transcripts');
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.imap'))
  .sort();

describe('transcripts (test/fixtures/transcripts/*.imap)', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(async () => {
    await server?.stop();
  });
  for (const file of files) {
    it(file, async () => {
      const user = file.replace(/\.imap$/, '').replace(/[^A-Za-z0-9]/g, '_');
      const password = `pw-${user}`;
      await server.addUser(user, password);
      await runTranscript(file, readFileSync(`${dir}/${file}`, 'utf8'), { server, user, password });
    });
  }
});
