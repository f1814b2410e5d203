// The clients of the crash test. Each connects, then runs its loop until the server is killed; it
// records what was acknowledged in the Model and, when the kill cut an operation short, returns a
// function that marks what that operation may or may not have done.
import { ImapClient } from '../helpers/imap-client.js';
import { LmtpClient } from '../lmtp/lmtp-client.js';
import { makeMessage, sha256, type Model } from './model.js';

export interface LoadContext {
  readonly model: Model;
  readonly rand: () => number;
  readonly cycle: number;
  readonly imapPort: number;
  readonly lmtpPort: number;
  /** UIDVALIDITY per mailbox as first seen; it must never change. */
  readonly uidValidity: Map<string, number>;
  readonly killed: () => boolean;
}

/** A connected client: `run()` loops until the connection dies and returns the in-flight marker. */
export interface LoadClient {
  run(): Promise<(() => void) | null>;
  destroy(): void;
}

const FLAG_POOL = ['\\Seen', '\\Flagged', '\\Answered', '$Work', '$Later'];

function someFlags(rand: () => number): string[] {
  return FLAG_POOL.filter(() => rand() < 0.35);
}

function sameValidity(ctx: LoadContext, mailbox: string, value: number): void {
  const known = ctx.uidValidity.get(mailbox);
  if (known === undefined) ctx.uidValidity.set(mailbox, value);
  else if (known !== value) throw new Error(`UIDVALIDITY of ${mailbox} changed from ${known} to ${value}`);
}

/** Runs `body` until the kill; an error before the kill fails the test. */
async function untilKilled(ctx: LoadContext, body: (setInFlight: (f: (() => void) | null) => void) => Promise<never>): Promise<(() => void) | null> {
  let inFlight: (() => void) | null = null;
  try {
    await body((f) => (inFlight = f));
  } catch (err) {
    if (!ctx.killed()) throw err;
  }
  return inFlight;
}

export async function appender(ctx: LoadContext, name: string, mailbox: string): Promise<LoadClient> {
  const c = await ImapClient.connect({ port: ctx.imapPort, name, timeoutMs: 20_000 });
  await c.login('alice', 'pw');
  return {
    destroy: () => c.destroy(),
    run: () =>
      untilKilled(ctx, async () => {
        for (let n = 0; ; n++) {
          const bytes = makeMessage(ctx.rand, `${ctx.cycle}-${name}-${n}`);
          const flags = someFlags(ctx.rand);
          ctx.model.sent.add(sha256(bytes));
          // An unacknowledged APPEND may or may not be there: nothing to mark (model.sent covers it).
          const r = await c.cmd([`APPEND ${mailbox} (${flags.join(' ')}) `, { literal: bytes, nonSync: true }]);
          if (r.status !== 'OK') throw new Error(`${name}: APPEND answered ${r.tagged}`);
          const m = /\[APPENDUID (\d+) (\d+)\]/.exec(r.text);
          if (!m) throw new Error(`${name}: no APPENDUID in ${r.tagged}`);
          sameValidity(ctx, mailbox, Number(m[1]));
          ctx.model.added(mailbox, Number(m[2]), bytes, flags);
          ctx.model.acks.append++;
        }
      }),
  };
}

export async function lmtpSender(ctx: LoadContext): Promise<LoadClient> {
  const l = await LmtpClient.open(ctx.lmtpPort, 20_000);
  const expect = async (what: Promise<{ code: number; line: string }>, code: number): Promise<string> => {
    const r = await what;
    if (r.code !== code) throw new Error(`LMTP: expected ${code}, got ${r.line}`);
    return r.line;
  };
  await expect(l.reply(), 220);
  await expect(l.command('LHLO crash.example.org'), 250);
  return {
    destroy: () => void l.close().catch(() => undefined),
    run: () =>
      untilKilled(ctx, async () => {
        for (let n = 0; ; n++) {
          const body = makeMessage(ctx.rand, `${ctx.cycle}-lmtp-${n}`);
          // What final delivery stores: the trace fields in front of the bytes received.
          const stored = Buffer.concat([Buffer.from('Return-Path: <load@example.org>\r\nDelivered-To: alice@example.org\r\n'), body]);
          ctx.model.sent.add(sha256(stored));
          await expect(l.command('MAIL FROM:<load@example.org>'), 250);
          await expect(l.command('RCPT TO:<alice@example.org>'), 250);
          const { start, replies } = await l.data(body, 1);
          if (start.code !== 354) throw new Error(`LMTP: DATA answered ${start.line}`);
          const line = replies[0]?.line ?? '';
          const m = /^250 .*\(UID (\d+)\)/.exec(line);
          if (!m) throw new Error(`LMTP: expected 250 with a UID, got ${line}`);
          ctx.model.added('INBOX', Number(m[1]), stored, []);
          ctx.model.acks.lmtp++;
        }
      }),
  };
}

/** STORE, COPY and EXPUNGE on INBOX messages the model knows. SELECT first checks UIDVALIDITY and
 *  that the mailbox holds exactly the messages the model has after the previous kill. */
export async function mutator(ctx: LoadContext): Promise<LoadClient> {
  const c = await ImapClient.connect({ port: ctx.imapPort, name: 'M', timeoutMs: 20_000 });
  await c.login('alice', 'pw');
  const selected = await c.ok('SELECT INBOX');
  const validity = /\[UIDVALIDITY (\d+)\]/.exec(selected.lines.join('\n'));
  const exists = /^\* (\d+) EXISTS$/m.exec(selected.lines.join('\n'));
  if (validity) sameValidity(ctx, 'INBOX', Number(validity[1]));
  const inModel = ctx.model.box('INBOX').size;
  if (Number(exists?.[1]) !== inModel) throw new Error(`after restart, SELECT INBOX says ${exists?.[1]} EXISTS, the model has ${inModel}`);
  const { model, rand } = ctx;
  return {
    destroy: () => c.destroy(),
    run: () =>
      untilKilled(ctx, async (setInFlight) => {
        for (;;) {
          // Only UIDs this session has been told about: a UID command ignores a UID the session's
          // view does not hold yet (as if it did not exist), so a NOOP first brings the view up to date.
          const uids = model.present('INBOX');
          await c.ok('NOOP');
          const uid = uids[Math.floor(rand() * uids.length)];
          const m = uid === undefined ? undefined : model.box('INBOX').get(uid);
          if (uid === undefined || m === undefined) continue;
          const op = rand();
          if (op < 0.45) {
            const flags = someFlags(rand);
            setInFlight(() => (m.flags = null));
            await c.ok(`UID STORE ${uid} FLAGS (${flags.join(' ')})`);
            m.flags = [...flags].sort();
            model.acks.store++;
          } else if (op < 0.7) {
            setInFlight(null); // a copy that landed without its OK is adopted by the check (model.sent)
            const r = await c.ok(`UID COPY ${uid} Archive`);
            const copy = /\[COPYUID (\d+) (\d+) (\d+)\]/.exec(r.text);
            if (!copy) throw new Error(`no COPYUID in ${r.tagged}`);
            sameValidity(ctx, 'Archive', Number(copy[1]));
            model.added('Archive', Number(copy[3]), m.bytes, m.flags);
            model.acks.copy++;
          } else {
            setInFlight(() => (m.flags = null));
            await c.ok(`UID STORE ${uid} +FLAGS.SILENT (\\Deleted)`);
            if (m.flags !== null && !m.flags.includes('\\Deleted')) m.flags = [...m.flags, '\\Deleted'].sort();
            setInFlight(() => {
              m.flags = null;
              m.maybeGone = true;
            });
            await c.ok(`UID EXPUNGE ${uid}`);
            model.box('INBOX').delete(uid);
            model.gone('INBOX').set(uid, `UID EXPUNGE OK in cycle ${ctx.cycle}`);
            model.acks.expunge++;
          }
          setInFlight(null);
        }
      }),
  };
}
