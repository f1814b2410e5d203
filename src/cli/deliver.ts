// postkeep deliver --user alice [--mailbox Folder] < message: a local delivery agent for MTAs that
// pipe mail (Postfix mailbox_command / pipe(8), Exim pipe transport). The exit code tells the MTA
// what to do (sysexits.h): 0 delivered, 67 unknown user and 77 never fits the quota (bounce),
// 75 try again later, 65 bad or too large input, 78 configuration error. One line on stderr.
import type { Command } from 'commander';
import { loadConfig } from '../config/load.js';
import { ConfigError, type Config } from '../config/types.js';
import { DeliveryError, deliverMessage } from '../delivery/deliver.js';
import { resolveRecipient } from '../delivery/recipients.js';
import { toCrlf, withTraceHeaders } from '../delivery/trace-headers.js';
import { withStore } from './context.js';

export const EX_OK = 0;
export const EX_DATAERR = 65;
export const EX_NOUSER = 67;
export const EX_TEMPFAIL = 75;
export const EX_NOPERM = 77;
export const EX_CONFIG = 78;

class Exit extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

interface DeliverOptions {
  user: string;
  mailbox?: string;
  from?: string;
  recipient?: string;
}

/** All of stdin, refusing more than `limit` bytes (without holding more than that). */
async function readInput(limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of process.stdin as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw new Exit(EX_DATAERR, `message larger than the limit of ${limit} bytes ([lmtp] max_message_bytes)`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, size);
}

function exitFor(err: DeliveryError): number {
  switch (err.kind) {
    case 'overquota':
      return err.permanent ? EX_NOPERM : EX_TEMPFAIL;
    case 'toobig':
      return EX_DATAERR;
    case 'nomailbox':
      return EX_NOUSER;
    case 'temporary':
      return EX_TEMPFAIL;
  }
}

async function run(options: DeliverOptions, command: Command): Promise<string> {
  let config: Config;
  try {
    config = loadConfig(command.optsWithGlobals<{ config?: string }>().config ?? null);
  } catch (err) {
    throw new Exit(EX_CONFIG, err instanceof Error ? err.message : String(err));
  }
  const raw = await readInput(config.lmtp.maxMessageBytes);
  if (raw.length === 0) throw new Exit(EX_DATAERR, 'no message on stdin');
  const message = toCrlf(raw);
  return withStore(config, async (store) => {
    const target = await resolveRecipient(store, options.user, config.lmtp);
    if (target === null) throw new Exit(EX_NOUSER, `unknown user ${options.user}`);
    // Like dovecot-lda: a --mailbox that does not exist falls back to INBOX rather than bouncing.
    let mailbox = target.mailbox;
    if (options.mailbox !== undefined) {
      mailbox = (await store.getMailbox(target.account.id, options.mailbox)) === null ? 'INBOX' : options.mailbox;
    }
    const bytes = withTraceHeaders(message, options.from ?? null, options.recipient ?? options.user);
    try {
      const result = await deliverMessage(store, { accountId: target.account.id, mailbox }, bytes, { maxBytes: config.lmtp.maxMessageBytes });
      return `delivered to ${target.account.login} ${mailbox} UID ${result.uid}`;
    } catch (err) {
      if (err instanceof DeliveryError) throw new Exit(exitFor(err), err.message);
      throw err;
    }
  });
}

export function registerDeliverCommand(program: Command): void {
  program
    .command('deliver')
    .description('deliver one message from stdin (for an MTA); exit codes follow sysexits.h')
    .requiredOption('-u, --user <login>', 'login, or an address resolved as by LMTP (alice+lists@example.org)')
    .option('-m, --mailbox <name>', 'mailbox to deliver into (INBOX when it does not exist)')
    .option('-f, --from <sender>', 'envelope sender, for the Return-Path field')
    .option('-r, --recipient <address>', 'envelope recipient, for the Delivered-To field (default: --user)')
    .action(async (options: DeliverOptions, command: Command) => {
      try {
        const done = await run(options, command);
        if (process.env['POSTKEEP_DELIVER_VERBOSE'] !== undefined) console.error(`postkeep deliver: ${done}`);
        process.exitCode = EX_OK;
      } catch (err) {
        const exit = err instanceof Exit ? err : new Exit(err instanceof ConfigError ? EX_CONFIG : EX_TEMPFAIL, err instanceof Error ? err.message : String(err));
        console.error(`postkeep deliver: ${exit.message}`);
        process.exitCode = exit.code;
      }
    });
}
