// QUOTA (RFC 9208) transcripts: the account gets limits through the store first (SETQUOTA is the
// administrator's, answered NO [NOPERM] over IMAP), so these scripts live here rather than in
// test/fixtures/transcripts, whose files run without any quota.
import { after, before, describe, it } from 'node:test';
import { readFixture, startTestServer, type TestServer } from '../helpers/server.js';
import { runTranscript } from '../helpers/transcript.js';

// simple.eml is 465 bytes. Limits: 2048 bytes (2 KiB) and 3 messages.
const LIMITED = `
@seed INBOX simple.eml
@session A
C: a0 LOGIN $USER $PASS
S: a0 OK...
C: a1 CAPABILITY
S/: \\* CAPABILITY .* QUOTA QUOTA=RES-STORAGE QUOTA=RES-MESSAGE .*
S: a1 OK...
# RFC 9208 §4.1.2: one root "" for every mailbox, usage in KiB (rounded up)
C: G0002 GETQUOTAROOT INBOX
S: * QUOTAROOT "?INBOX"? ""
S: * QUOTA "" (STORAGE 1 2 MESSAGE 1 3)
S: G0002 OK...
C: b1 GETQUOTAROOT "Not/There/Yet"
S: * QUOTAROOT "Not/There/Yet" ""
S: * QUOTA "" (STORAGE 1 2 MESSAGE 1 3)
S: b1 OK...
C: G0001 GETQUOTA ""
S: * QUOTA "" (STORAGE 1 2 MESSAGE 1 3)
S: G0001 OK...
C: b2 GETQUOTA "!partition/sda4"
S: b2 NO [NONEXISTENT]...
# SETQUOTA is for the administrator (postkeep user quota); QUOTASET is not advertised
C: S0001 SETQUOTA "" (STORAGE 510)
S: S0001 NO [NOPERM]...
C: b3 SETQUOTA "" (STORAGE lots)
S/: b3 BAD .*
C: b4 GETQUOTA
S/: b4 BAD .*
# RFC 9208 §4.3.1: APPEND past the limit -> NO [OVERQUOTA]; nothing is added
C: A003 APPEND INBOX (\\Seen) {{text:Subject: big\\r\\n\\r\\n\${repeat:1700:x}\\r\\n}}
S: A003 NO [OVERQUOTA]...
# MULTIAPPEND (RFC 3502): the quota is checked for the whole batch; past it, none goes in
C: m1 APPEND INBOX {{file:simple.eml}} {{file:simple.eml}} {{file:simple.eml}}
S: m1 NO [OVERQUOTA]...
C: m2 GETQUOTA ""
S: * QUOTA "" (STORAGE 1 2 MESSAGE 1 3)
S: m2 OK...
C: c1 APPEND INBOX {{file:simple.eml}}
S: c1 OK [APPENDUID ...]...
C: c2 GETQUOTA ""
S: * QUOTA "" (STORAGE 1 2 MESSAGE 2 3)
S: c2 OK...
C: c3 SELECT INBOX
S*:
S: c3 OK [READ-WRITE]...
# COPY of two would make 4 messages: refused; of one: fine
C: A004 COPY 1:2 Trash
S: A004 NO [OVERQUOTA]...
C: c4 COPY 1 Trash
S: c4 OK [COPYUID ...]...
C: c5 GETQUOTA ""
S: * QUOTA "" (STORAGE 2 2 MESSAGE 3 3)
S: c5 OK...
# MOVE within the account adds nothing to its one quota root
C: c6 MOVE 2 Archive
S: * OK [COPYUID ...]...
S*:
S: c6 OK...
C: c7 APPEND INBOX {{file:simple.eml}}
S: c7 NO [OVERQUOTA]...
# STATUS DELETED and DELETED-STORAGE (RFC 9208 §4.1.4)
C: c8 STORE 1 +FLAGS.SILENT (\\Deleted)
S: c8 OK...
C: S0003 STATUS Trash (MESSAGES DELETED DELETED-STORAGE)
S: * STATUS "?Trash"? (MESSAGES 1 DELETED 0 DELETED-STORAGE 0)
S: S0003 OK...
C: c9 STATUS INBOX (MESSAGES DELETED DELETED-STORAGE)
S: * STATUS "?INBOX"? (MESSAGES 1 DELETED 1 DELETED-STORAGE 465)
S: c9 OK...
C: c10 EXPUNGE
S: * 1 EXPUNGE
S: c10 OK...
C: c11 GETQUOTA ""
S: * QUOTA "" (STORAGE 1 2 MESSAGE 2 3)
S: c11 OK...
C: c12 APPEND INBOX {{file:simple.eml}}
S*:
S: c12 OK [APPENDUID ...]...
C: z LOGOUT
S: * BYE...
S: z OK...
`;

const UNLIMITED = `
@session A
C: a0 LOGIN $USER $PASS
S: a0 OK...
# no limits: an empty resource list (RFC 9208 §4.2.1)
C: a1 GETQUOTAROOT INBOX
S: * QUOTAROOT "?INBOX"? ""
S: * QUOTA "" ()
S: a1 OK...
C: a2 GETQUOTA ""
S: * QUOTA "" ()
S: a2 OK...
C: z LOGOUT
S: * BYE...
S: z OK...
`;

// An administrator (config [imap] admins) sets quotas: RFC 9208 §4.1.3's example with our root names,
// "" for one's own and "#user/<login>" for anyone's. quota_alice has one 465-byte message and the limits
// STORAGE 111 KiB, MESSAGE 1000 to start with.
const ADMIN = `
@session A
C: a0 LOGIN $USER $PASS
S: a0 OK...
C: a1 CAPABILITY
S/: \\* CAPABILITY .* QUOTA QUOTASET QUOTA=RES-STORAGE QUOTA=RES-MESSAGE .*
S: a1 OK...
C: S0000 GETQUOTA "#user/quota_alice"
S: * QUOTA "#user/quota_alice" (STORAGE 1 111 MESSAGE 1 1000)
S: S0000 OK...
# §4.1.3: limits not listed (MESSAGE) are removed
C: S0001 SETQUOTA "#user/quota_alice" (STORAGE 510)
S: * QUOTA "#user/quota_alice" (STORAGE 1 510)
S: S0001 OK...
C: S0002 SETQUOTA "!partition/sda4" (STORAGE 99999999)
S: S0002 NO [NONEXISTENT]...
C: s3 SETQUOTA "#user/nobody" (MESSAGE 1)
S: s3 NO [NONEXISTENT]...
C: s4 SETQUOTA "#user/quota_alice" (FILES 1)
S/: s4 NO .*STORAGE and MESSAGE.*
C: s5 SETQUOTA "#user/quota_alice" (MESSAGE 1 MESSAGE 2)
S/: s5 BAD .*
# One's own root: the limit applies at once
C: s6 SETQUOTA "" (MESSAGE 0)
S: * QUOTA "" (MESSAGE 0 0)
S: s6 OK...
C: s7 APPEND INBOX {{file:simple.eml}}
S: s7 NO [OVERQUOTA]...
C: s8 SETQUOTA "" ()
S: * QUOTA "" ()
S: s8 OK...
C: s9 GETQUOTAROOT INBOX
S: * QUOTAROOT "?INBOX"? ""
S: * QUOTA "" ()
S: s9 OK...
C: s10 GETQUOTA "#user/quota_admin"
S: * QUOTA "#user/quota_admin" ()
S: s10 OK...
# Not an administrator: no QUOTASET, SETQUOTA NO [NOPERM], others' roots do not exist
@session B
C: b0 LOGIN quota_alice pw-alice
S: b0 OK...
C: b1 CAPABILITY
S/: \\* CAPABILITY (?!.*QUOTASET).*
S: b1 OK...
C: b2 GETQUOTAROOT INBOX
S: * QUOTAROOT "?INBOX"? ""
S: * QUOTA "" (STORAGE 1 510)
S: b2 OK...
C: b3 SETQUOTA "" (STORAGE 1000)
S: b3 NO [NOPERM]...
C: b4 GETQUOTA "#user/quota_admin"
S: b4 NO [NONEXISTENT]...
C: b5 SETQUOTA "#user/quota_admin" (STORAGE 1)
S: b5 NO [NOPERM]...
`;

describe('QUOTA transcripts (RFC 9208)', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(async () => {
    await server?.stop();
  });
  it('limits, usage, OVERQUOTA on APPEND and COPY, not on MOVE', async () => {
    const account = await server.addUser('quota_limited', 'pw-limited');
    await server.store.setQuota(account.id, { storage: 2048, messages: 3 });
    await runTranscript('quota-limited', LIMITED, { server, user: 'quota_limited', password: 'pw-limited' });
  });
  it('SETQUOTA by an administrator ([imap] admins), NOPERM for others, QUOTASET only for admins', async () => {
    const admins = await startTestServer({ admins: ['quota_admin'] });
    try {
      await admins.addUser('quota_admin', 'pw-admin');
      const alice = await admins.addUser('quota_alice', 'pw-alice');
      await admins.store.setQuota(alice.id, { storage: 111 * 1024, messages: 1000 });
      await admins.seed('quota_alice', 'INBOX', await readFixture('transcripts/simple.eml'));
      await runTranscript('quota-admin', ADMIN, { server: admins, user: 'quota_admin', password: 'pw-admin' });
    } finally {
      await admins.stop();
    }
  });
  it('no limits', async () => {
    await server.addUser('quota_none', 'pw-none');
    await runTranscript('quota-none', UNLIMITED, { server, user: 'quota_none', password: 'pw-none' });
  });
});
