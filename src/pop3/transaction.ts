// The TRANSACTION state (RFC 1939 §5, §7): STAT LIST RETR DELE NOOP RSET TOP UIDL, and QUIT with
// the UPDATE state (§6), whose deletions are IMAP expunges that other sessions see.
import { StoreError } from '../store/types.js';
import type { DropMessage, Maildrop } from './maildrop.js';
import { MultilineEncoder } from './multiline.js';
import { ConnectionClosedError } from './writer.js';
import { Pop3Abort, Pop3Error, type Pop3Command, type Pop3Context } from './types.js';

function drop(ctx: Pop3Context): Maildrop {
  const s = ctx.state;
  if (s.kind !== 'transaction') throw new Error('not in the TRANSACTION state');
  return s.drop;
}

function find(ctx: Pop3Context, arg: string | undefined): { n: number; message: DropMessage } {
  const r = drop(ctx).lookup(arg);
  if (!r.ok) throw new Pop3Error(null, r.text);
  return { n: Number(arg), message: r.message };
}

function noArgs(args: readonly string[], name: string): void {
  if (args.length > 0) throw new Pop3Error(null, `${name} takes no argument`);
}

function atMostOne(args: readonly string[], name: string): void {
  if (args.length > 1) throw new Pop3Error(null, `${name} takes at most one argument`);
}

export const statCommand: Pop3Command = {
  states: ['transaction'],
  async run(args, _rest, ctx) {
    noArgs(args, 'STAT');
    const { count, size } = drop(ctx).stat();
    await ctx.writer.ok(`${count} ${size}`); // RFC 1939 §5: drop listing
  },
};

export const listCommand: Pop3Command = {
  states: ['transaction'],
  async run(args, _rest, ctx) {
    atMostOne(args, 'LIST');
    const d = drop(ctx);
    if (args.length === 1) {
      const { n, message } = find(ctx, args[0]);
      await ctx.writer.ok(`${n} ${message.size}`);
      return;
    }
    const { count, size } = d.stat();
    const lines = d.listing().map(({ n, message }) => `${n} ${message.size}`);
    await ctx.writer.list(`${count} messages (${size} octets)`, lines);
  },
};

export const uidlCommand: Pop3Command = {
  states: ['transaction'],
  async run(args, _rest, ctx) {
    atMostOne(args, 'UIDL');
    const d = drop(ctx);
    if (args.length === 1) {
      const { n, message } = find(ctx, args[0]);
      await ctx.writer.ok(`${n} ${d.uidl(message)}`);
      return;
    }
    const lines = d.listing().map(({ n, message }) => `${n} ${d.uidl(message)}`);
    await ctx.writer.list('Unique-id listing follows', lines);
  },
};

/** Streams the message (or TOP's part of it) from the store, honouring back-pressure. */
async function sendMessage(ctx: Pop3Context, n: number, message: DropMessage, bodyLines: number | null): Promise<void> {
  await ctx.refresh();
  const gone = new Pop3Error(null, `Message ${n} was deleted by another session`);
  if (drop(ctx).isGone(message)) throw gone;
  const it = ctx.store.streamMessage(message.blobId)[Symbol.asyncIterator]();
  // Read the first chunk before "+OK": a message expunged meanwhile can still get a clean -ERR.
  let r: IteratorResult<unknown>;
  try {
    r = await it.next();
  } catch (err) {
    await it.return?.();
    if (err instanceof StoreError && err.code === 'NONEXISTENT') throw gone;
    ctx.logger.error({ err, uid: message.uid }, 'POP3: cannot read a message');
    throw new Pop3Error('SYS/TEMP', `Cannot read message ${n} now; try again later`);
  }
  const encoder = new MultilineEncoder({ stuff: true, bodyLines });
  try {
    await ctx.writer.ok(bodyLines === null ? `${message.size} octets` : 'Top of message follows');
    while (!r.done && !encoder.done) {
      const out = encoder.push(r.value as Buffer);
      if (out.length > 0) await ctx.writer.write(out);
      if (!encoder.done) r = await it.next();
    }
    await ctx.writer.write(encoder.end());
  } catch (err) {
    if (err instanceof ConnectionClosedError) throw err;
    // Half a message is out: no answer can follow it (RFC 1939 has no way to say so).
    throw new Pop3Abort(`reading message ${n} failed mid-response`, { cause: err });
  } finally {
    await it.return?.();
  }
}

export const retrCommand: Pop3Command = {
  states: ['transaction'],
  async run(args, _rest, ctx) {
    if (args.length !== 1) throw new Pop3Error(null, 'RETR takes one message number');
    const { n, message } = find(ctx, args[0]);
    await sendMessage(ctx, n, message, null);
    // RETR, not TOP, marks the message \Seen for IMAP clients.
    try {
      await ctx.store.storeFlags(drop(ctx).mailboxId, [message.uid], 'add', ['\\Seen']);
    } catch (err) {
      ctx.logger.warn({ err, uid: message.uid }, 'POP3: could not set \\Seen after RETR');
    }
  },
};

export const topCommand: Pop3Command = {
  states: ['transaction'],
  async run(args, _rest, ctx) {
    if (args.length !== 2) throw new Pop3Error(null, 'TOP takes a message number and a number of lines');
    const { n, message } = find(ctx, args[0]);
    const lines = args[1] ?? '';
    if (!/^[0-9]{1,9}$/.test(lines)) throw new Pop3Error(null, `Invalid number of lines ${JSON.stringify(lines.slice(0, 40))}`);
    await sendMessage(ctx, n, message, Number(lines));
  },
};

export const deleCommand: Pop3Command = {
  states: ['transaction'],
  async run(args, _rest, ctx) {
    if (args.length !== 1) throw new Pop3Error(null, 'DELE takes one message number');
    const { n } = find(ctx, args[0]);
    drop(ctx).mark(n);
    await ctx.writer.ok(`Message ${n} deleted`);
  },
};

export const rsetCommand: Pop3Command = {
  states: ['transaction'],
  async run(args, _rest, ctx) {
    noArgs(args, 'RSET');
    const d = drop(ctx);
    d.reset();
    const { count, size } = d.stat();
    await ctx.writer.ok(`Maildrop has ${count} message${count === 1 ? '' : 's'} (${size} octets)`);
  },
};

export const noopCommand: Pop3Command = {
  states: ['transaction'],
  async run(args, _rest, ctx) {
    noArgs(args, 'NOOP');
    await ctx.writer.ok('');
  },
};

export const quitCommand: Pop3Command = {
  states: ['authorization', 'transaction'],
  async run(_args, _rest, ctx) {
    ctx.closeAfterReply();
    const s = ctx.state;
    if (s.kind !== 'transaction') {
      await ctx.writer.ok('Postkeep POP3 server signing off');
      return;
    }
    // RFC 1939 §6: UPDATE; the marked messages go, as an expunge of exactly their UIDs.
    ctx.setState({ kind: 'update' });
    const uids = s.drop.markedUids();
    try {
      if (uids.length > 0) {
        await ctx.store.storeFlags(s.drop.mailboxId, uids, 'add', ['\\Deleted']);
        await ctx.store.expunge(s.drop.mailboxId, uids);
      }
    } catch (err) {
      ctx.logger.error({ err, user: s.account.login }, 'POP3: UPDATE failed');
      throw new Pop3Error('SYS/TEMP', 'Some deleted messages not removed');
    }
    const left = s.drop.stat();
    await ctx.writer.ok(`Postkeep POP3 server signing off (${uids.length} deleted, ${left.count} left)`);
  },
};
