// LITERAL+ (RFC 7888): a non-synchronizing literal the server will not take. §4: the bytes come
// anyway; the server answers NO [TOOBIG] (RFC 7888 §4, RFC 5530) and, for an absurd size, may close the
// connection. Postkeep reads and drops a refused literal of up to twice maxMessageBytes (the
// connection stays usable) and closes with BYE beyond that, rather than reading without bound.
import { after, before, describe, it } from 'node:test';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { runTranscript } from '../helpers/transcript.js';

const SCRIPT = `
@session A
C: a0 LOGIN $USER $PASS
S: a0 OK...
C: a1 CAPABILITY
S/: \\* CAPABILITY IMAP4rev1 IMAP4rev2 LITERAL\\+ .*APPENDLIMIT=1024.*
S: a1 OK...
# within the limit: taken without a continuation request
C: a2 APPEND INBOX {{text+:Subject: ok\\r\\n\\r\\nfits\\r\\n}}
S: a2 OK [APPENDUID ...]...
# over maxMessageBytes: NO [TOOBIG], the bytes are read and dropped, the session goes on
C: a3 APPEND INBOX {{text+:Subject: big\\r\\n\\r\\n\${repeat:1500:x}\\r\\n}}
S: a3 NO [TOOBIG]...
C: a4 NOOP
S: a4 OK...
# a small non-APPEND literal over its own limit (max_small_literal_bytes): the same
C: a5 LOGIN {{text+:\${repeat:1100:u}}} x
S/: a5 (NO|BAD) .*
C: a6 NOOP
S: a6 OK...
# more than twice the limit: TOOBIG, then BYE and the connection closes (RFC 7888 §4 allows it)
C: a7 APPEND INBOX {{text+:\${repeat:3000:x}}}
S: a7 NO [TOOBIG]...
@wait
S: * BYE...
@closed
`;

describe('LITERAL+ transcripts (RFC 7888)', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ limits: { max_message_bytes: 1024, max_small_literal_bytes: 1024 } });
  });
  after(async () => {
    await server?.stop();
  });
  it('oversize non-synchronizing literals: TOOBIG, read and dropped; closed past twice the limit', async () => {
    await server.addUser('literal_plus', 'pw-literal');
    await runTranscript('literal-plus', SCRIPT, { server, user: 'literal_plus', password: 'pw-literal' });
  });
});
