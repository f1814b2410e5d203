// postkeep export --user <login> maildir|mbox <path>: every mailbox of an account to a Maildir++ or
// to mbox files, for a backup or a move to another server.
import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { Argument, type Command } from 'commander';
import { formatExportSummary, runExport } from '../export/exporter.js';
import { MaildirWriter } from '../export/maildir-writer.js';
import { MboxWriter } from '../export/mbox-writer.js';
import { Progress } from '../import/progress.js';
import { configOf, withStore } from './context.js';
import { CliError } from './errors.js';
import { checkLogin } from './login.js';

const HELP = `
maildir: Maildir++ as Dovecot reads it: INBOX at PATH, other mailboxes in PATH/.Folder.Sub; flags in
the ":2," part of the file names, keywords in each folder's dovecot-keywords (26 per folder at most),
file mtime = internal date, message bytes exactly as stored.

mbox: one mboxrd file per mailbox, PATH/Folder/Sub.mbox, "From " lines with the internal date (local
time), flags in Status, X-Status and X-Keywords headers (as mutt and Dovecot write them). Not
byte-exact: those headers are added, and a message that does not end with a newline gets one.

PATH must not exist or must be an empty directory.`;

export function registerExportCommand(program: Command): void {
  program
    .command('export')
    .description("export an account's mailboxes to a Maildir or mbox files")
    .addArgument(new Argument('<format>', 'target format').choices(['maildir', 'mbox']))
    .argument('<path>', 'a new (or empty) directory')
    .requiredOption('-u, --user <login>', 'the account to export')
    .addHelpText('after', HELP)
    .action(async (format: 'maildir' | 'mbox', path: string, options: { user: string }, command: Command) => {
      checkLogin(options.user);
      const config = configOf(command);
      const root = resolve(path);
      if (existsSync(root)) {
        if (!statSync(root).isDirectory()) throw new CliError(`${path} exists and is not a directory`);
        if (readdirSync(root).length > 0) throw new CliError(`${path} is not empty: export into a new or empty directory`);
      }
      const summary = await withStore(config, async (store) => {
        const account = await store.findAccount(options.user);
        if (account === null) throw new CliError(`user ${options.user} does not exist`);
        mkdirSync(root, { recursive: true, mode: 0o700 });
        const writer = format === 'maildir' ? new MaildirWriter(root) : new MboxWriter(root);
        return runExport(store, account.id, writer, new Progress({ out: process.stderr }));
      });
      console.log(formatExportSummary(summary));
      if (summary.failed > 0) process.exitCode = 1;
    });
}
