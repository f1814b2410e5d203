// postkeep migrate --from sqlite:./data --to postgres://...: moves an embedded installation into an
// empty PostgreSQL database (src/store/postgres/from-sqlite.ts). Stop the server first: mail that
// arrives during the copy would stay behind.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { analyzeMessage } from '../mime/analyze.js';
import { DATABASE_FILE } from '../store/sqlite/sqlite-store.js';
import { migrateSqliteToPostgres, MigrationError } from '../store/postgres/from-sqlite.js';
import { CliError } from './errors.js';
import { formatSize } from './sizes.js';

export function parseSource(text: string): string {
  const match = /^sqlite:(.+)$/.exec(text);
  if (!match?.[1]) throw new CliError(`--from: "${text}" is not sqlite:<data dir> (e.g. sqlite:./data)`);
  const dir = resolve(match[1]);
  if (!existsSync(join(dir, DATABASE_FILE))) throw new CliError(`--from: ${dir} holds no ${DATABASE_FILE}`);
  return dir;
}

export function registerMigrateCommand(program: Command): void {
  program
    .command('migrate')
    .description('copy an embedded (SQLite) installation into an empty PostgreSQL database, keeping UIDs, UIDVALIDITY and MODSEQs; stop the server first')
    .requiredOption('--from <source>', 'sqlite:<data dir>')
    .requiredOption('--to <url>', 'postgres://user:password@host/database (must hold no accounts)')
    .option('-q, --quiet', 'no progress output')
    .action(async (options: { from: string; to: string; quiet?: boolean }) => {
      const dataDir = parseSource(options.from);
      if (!/^postgres(ql)?:\/\//.test(options.to)) throw new CliError(`--to: "${options.to}" is not a postgres:// URL`);
      let lastShown = 0;
      try {
        const summary = await migrateSqliteToPostgres({
          dataDir,
          url: options.to,
          analyze: analyzeMessage,
          progress: (done, total) => {
            if (options.quiet || (done < total && Date.now() - lastShown < 1000)) return;
            lastShown = Date.now();
            process.stderr.write(`messages' contents copied: ${done} of ${total}\n`);
          },
        });
        console.log(
          `migrated ${summary.accounts} account(s), ${summary.mailboxes} mailbox(es), ${summary.messages} message(s) ` +
            `(${summary.blobs} distinct, ${formatSize(summary.blobBytes)}), ${summary.expunged} expunge log entries. ` +
            'Now set [store] kind = "postgres" and url in the configuration.',
        );
      } catch (err) {
        if (err instanceof MigrationError) throw new CliError(err.message);
        throw err;
      }
    });
}
