// Crash consistency (issue #6, DESIGN.md rules 1 and 2): a real `postkeep serve` under APPEND, LMTP,
// STORE, COPY and EXPUNGE load from four clients is killed with SIGKILL at seeded random moments,
// checked offline (test/crash/verify.ts), and restarted on the same data directory, again and again.
//
// What this proves and what not: SIGKILL ends the process at any instruction, but the kernel keeps
// its page cache, so data written and not yet fsynced survives. The test therefore checks atomicity
// and ordering (nothing acknowledged before it was committed, every commit whole, no reference to a
// file that is not there, UIDs never reused), not that fsync reaches the disk; that needs a power cut
// (or a fault-injecting file system), which a unit test cannot do.
//
// POSTKEEP_CRASH_SEED and POSTKEEP_CRASH_CYCLES replay or lengthen a run.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { test } from 'node:test';
import { randomBytes, scryptSync } from 'node:crypto';
import { analyzeMessage } from '../../src/mime/analyze.js';
import { openSqliteStore } from '../../src/store/sqlite/index.js';
import { MODSEQ_RECOVERY_MARGIN, UID_RECOVERY_MARGIN } from '../../src/store/sqlite/shutdown-marker.js';
import Database from 'better-sqlite3';
import { DATABASE_FILE } from '../../src/store/sqlite/sqlite-store.js';
import { runCli } from '../cli/run.js';
import { appender, lmtpSender, mutator, type LoadClient, type LoadContext } from './load.js';
import { Model, prng } from './model.js';
import { killAll, sigkill, startServe, writeConfig } from './server-process.js';
import { verifyAfterKill } from './verify.js';

const SEED = Number(process.env.POSTKEEP_CRASH_SEED ?? 60611);
const CYCLES = Number(process.env.POSTKEEP_CRASH_CYCLES ?? 20);

test(`crash consistency: ${CYCLES} SIGKILLs under load (seed ${SEED})`, { timeout: 180_000 }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'postkeep-crash-'));
  const clients: LoadClient[] = [];
  t.after(() => {
    for (const c of clients) c.destroy();
    killAll();
    rmSync(dir, { recursive: true, force: true });
  });
  const config = writeConfig(dir);
  const dataDir = join(dir, 'data');
  const setup = await openSqliteStore({ dataDir, analyze: analyzeMessage });
  // A cheap scrypt hash (N=2^10; verifyPassword reads the parameters from it): four logins per cycle
  // at the production cost would be most of the test's time.
  const salt = randomBytes(16);
  await setup.createAccount('alice', ['scrypt', 1024, 8, 1, salt.toString('base64'), scryptSync('pw', salt, 32, { N: 1024, r: 8, p: 1 }).toString('base64')].join('$'));
  await setup.close();

  const rand = prng(SEED);
  const model = new Model();
  const uidValidity = new Map<string, number>();
  let adopted = 0;
  let leftovers = 0;
  let recoveries = 0;
  for (let cycle = 1; cycle <= CYCLES; cycle++) {
    const before = storeNumbers(dataDir);
    const server = await startServe(config);
    // A killed server that had changed flags or appended left its handle row: the restart moves
    // HIGHESTMODSEQ and UIDNEXT ahead (harmless here, SIGKILL loses nothing) and nothing else;
    // UIDVALIDITY stays.
    const unclean = before.handles > 0;
    if (unclean) recoveries++;
    const jump = unclean ? MODSEQ_RECOVERY_MARGIN : 0;
    const uidJump = unclean ? UID_RECOVERY_MARGIN : 0;
    assert.deepEqual(
      storeNumbers(dataDir).boxes,
      before.boxes.map((b) => ({ ...b, highestmodseq: b.highestmodseq + jump, uidnext: b.uidnext + uidJump })),
      `cycle ${cycle}: the restart changed more than HIGHESTMODSEQ and UIDNEXT`,
    );
    assert.equal(server.lines.some((l) => /did not shut down cleanly/.test(l.msg)), unclean, `cycle ${cycle}: the warning line`);
    let killed = false;
    const ctx: LoadContext = {
      model,
      rand: prng(SEED * 1000 + cycle),
      cycle,
      imapPort: server.imapPort,
      lmtpPort: server.lmtpPort,
      uidValidity,
      killed: () => killed,
    };
    clients.length = 0;
    clients.push(...(await Promise.all([mutator(ctx), appender(ctx, 'A', 'INBOX'), appender(ctx, 'B', 'Archive'), lmtpSender(ctx)])));
    const loops = clients.map((c) => c.run());
    // The kill moment is the point of the test: a seeded 250-700 ms into the load.
    const loadMs = 250 + Math.floor(rand() * 450);
    await Promise.race([sleep(loadMs), Promise.all(loops)]);
    killed = true;
    await sigkill(server);
    for (const inFlight of await Promise.all(loops)) inFlight?.();
    for (const c of clients) c.destroy();
    const result = await verifyAfterKill(dataDir, model, uidValidity, `cycle ${cycle} (killed after ${loadMs} ms)`);
    adopted += result.adopted;
    leftovers += result.leftovers;
  }
  const { acks } = model;
  assert.ok(recoveries > 0, 'no restart after a kill recovered (no STORE before any kill?)');
  assert.ok(acks.append > CYCLES && acks.lmtp > CYCLES && acks.store > 0 && acks.copy > 0 && acks.expunge > 0, `too little load: ${JSON.stringify(acks)}`);
  t.diagnostic(`${CYCLES} kills survived (${recoveries} restarts moved HIGHESTMODSEQ ahead); acknowledged ${JSON.stringify(acks)}; ${adopted} unacknowledged commits adopted; ${leftovers} crash leftovers removed by check --repair`);

  // The CLI on the final store: clean, and --repair has nothing to do.
  const check = await runCli(['--config', config, 'check']);
  assert.equal(check.code, 0, check.stdout + check.stderr);
  assert.match(check.stdout, /No problems found\./);
});

/** UIDVALIDITY, UIDNEXT and HIGHESTMODSEQ of every mailbox, and the store handles recorded as open
 *  (src/store/sqlite/shutdown-marker.ts); read while no client is connected. */
function storeNumbers(dataDir: string): { boxes: Array<{ name: string; uidvalidity: number; uidnext: number; highestmodseq: number }>; handles: number } {
  const db = new Database(join(dataDir, DATABASE_FILE), { readonly: true });
  try {
    return {
      boxes: db.prepare('SELECT name, uidvalidity, uidnext, highestmodseq FROM mailboxes ORDER BY id').all() as Array<{
        name: string;
        uidvalidity: number;
        uidnext: number;
        highestmodseq: number;
      }>,
      handles: db.prepare('SELECT COUNT(*) FROM store_handles').pluck().get() as number,
    };
  } finally {
    db.close();
  }
}
