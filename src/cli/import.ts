// postkeep import --user <login> maildir|mbox <path>: mail from another server or client, through
// the one delivery path, idempotent (a second run skips what is already there).
import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { Argument, type Command } from 'commander';
import { formatSummary, runImport } from '../import/importer.js';
import { isMaildir, findMaildirFolders } from '../import/maildir-layout.js';
import { maildirSource } from '../import/maildir-source.js';
import { mboxSource, NotMboxError } from '../import/mbox-source.js';
import { Progress } from '../import/progress.js';
import type { ImportSource } from '../import/source.js';
import { validMailboxName } from '../store/names.js';
import { configOf, withStore } from './context.js';
import { CliError } from './errors.js';
import { checkLogin } from './login.js';

interface ImportOptions {
  user: string;
  mailbox?: string;
  ignoreQuota?: boolean;
}

const HELP = `
Maildir: Maildir++ (PATH/cur and PATH/new are INBOX, PATH/.Folder.Sub is "Folder/Sub") and plain
trees (PATH/Folder/Sub/cur) as Dovecot, Courier and mbsync write them. Flags come from the ":2,"
part of the file names and the dovecot-keywords files, the internal date from the file's mtime.

mbox: PATH is one mbox file (into --mailbox, or the mailbox named after the file) or a directory
of them (each file a mailbox named by its path without ".mbox"; "inbox" is INBOX). Lines
">From " are unescaped (mboxrd; mboxo files read the same way). The internal date is the date of
the "From " line. Flags are read from Status, X-Status, X-Keywords (mutt, Dovecot) and
X-Mozilla-Status (Thunderbird); the headers mbox writers add (Status, X-Status, X-Keywords,
X-UID, X-IMAP, X-IMAPbase, Content-Length) are removed, as Dovecot does.

A message already in the mailbox (same bytes) is skipped, so an import can be run again after an
interruption. A message that cannot be imported (too big, unreadable) is reported and skipped;
the import goes on and exits with status 1 at the end.`;

export function registerImportCommand(program: Command): void {
  program
    .command('import')
    .description("import mail into an account's mailboxes from a Maildir or mbox files")
    .addArgument(new Argument('<format>', 'source format').choices(['maildir', 'mbox']))
    .argument('<path>', 'the Maildir, mbox file, or directory of mbox files')
    .requiredOption('-u, --user <login>', 'the account to import into')
    .option('-m, --mailbox <name>', 'for a single mbox file: the mailbox to import into (default: named after the file)')
    .option('--ignore-quota', "import even past the account's quota (by default the import stops there)")
    .addHelpText('after', HELP)
    .action(async (format: 'maildir' | 'mbox', path: string, options: ImportOptions, command: Command) => {
      checkLogin(options.user);
      const config = configOf(command);
      const root = resolve(path);
      if (!existsSync(root)) throw new CliError(`${path}: no such file or directory`);
      const maxMessageBytes = config.imap.limits.maxMessageBytes;
      const summary = await withStore(config, async (store) => {
        const account = await store.findAccount(options.user);
        if (account === null) throw new CliError(`user ${options.user} does not exist`);
        const source = await openSource(format, root, path, maxMessageBytes, options.mailbox);
        const progress = new Progress({ out: process.stderr });
        return runImport(source, { store, accountId: account.id, progress, maxMessageBytes, ignoreQuota: options.ignoreQuota === true });
      });
      console.log(formatSummary(summary));
      if (summary.stopped !== null) throw new CliError(`import stopped: ${summary.stopped}`);
      if (summary.failed > 0) process.exitCode = 1;
    });
}

async function openSource(format: 'maildir' | 'mbox', root: string, path: string, maxMessageBytes: number, mailbox: string | undefined): Promise<ImportSource> {
  if (format === 'maildir') {
    if (mailbox !== undefined) throw new CliError('--mailbox is for a single mbox file');
    if (!statSync(root).isDirectory()) throw new CliError(`${path} is not a directory`);
    if (!isMaildir(root) && findMaildirFolders(root).length === 0) {
      throw new CliError(`${path} is not a Maildir: no cur/ or new/ in it or in any folder below it`);
    }
    return maildirSource(root, maxMessageBytes);
  }
  const isDir = statSync(root).isDirectory();
  if (mailbox !== undefined && isDir) throw new CliError('--mailbox is for a single mbox file, not a directory');
  try {
    return await mboxSource(root, maxMessageBytes, mailbox === undefined ? null : validMailboxName(mailbox));
  } catch (err) {
    if (err instanceof NotMboxError) throw new CliError(err.message);
    throw err;
  }
}
