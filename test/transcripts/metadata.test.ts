// METADATA (RFC 5464 §4.3) limits that a static transcript cannot spell out: TOOMANY with the
// per-mailbox entry count, and all-or-nothing when it fails.
import { after, before, describe, it } from 'node:test';
import { METADATA_MAX_ENTRIES } from '../../src/imap/commands/metadata.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { runTranscript } from '../helpers/transcript.js';

const pairs = (from: number, to: number): string =>
  Array.from({ length: to - from }, (_, i) => `/private/n${from + i} "v"`).join(' ');

const SCRIPT = `
@session A
C: a0 LOGIN $USER $PASS
S: a0 OK...
C: a1 SETMETADATA INBOX (${pairs(0, METADATA_MAX_ENTRIES - 1)})
S: a1 OK...
C: a2 SETMETADATA INBOX (/private/last "fits" /private/n0 "changed" /private/toomany "no")
S: a2 NO [METADATA TOOMANY]...
C: a3 GETMETADATA INBOX (/private/n0 /private/last)
S: * METADATA "?INBOX"? (/private/n0 "v" /private/last NIL)
S: a3 OK...
C: a4 SETMETADATA INBOX (/private/last "fits")
S: a4 OK...
C: a5 SETMETADATA INBOX (/private/toomany "no")
S: a5 NO [METADATA TOOMANY]...
C: a6 SETMETADATA INBOX (/private/n1 NIL /private/other "replaces n1")
S: a6 OK...
C: a7 SETMETADATA "" (${pairs(0, METADATA_MAX_ENTRIES + 1)})
S: a7 NO [METADATA TOOMANY]...
C: z LOGOUT
S: * BYE...
S: z OK...
`;

describe('METADATA limits (RFC 5464 §4.3)', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(async () => {
    await server?.stop();
  });
  it('TOOMANY, all or nothing', async () => {
    await server.addUser('meta_many', 'pw-many');
    await runTranscript('metadata-toomany', SCRIPT, { server, user: 'meta_many', password: 'pw-many' });
  });
});
