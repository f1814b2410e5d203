// postkeep check [--repair [--drop-missing]] [--json]: verifies the store offline. It takes the data
// directory's lock, so it refuses to run beside a live server. Exit codes: 0 clean (or everything
// found was repaired), 1 problems remain, 2 the check could not run.
import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { analyzeMessage } from '../mime/analyze.js';
import { acquireDataLock } from '../server/data-lock.js';
import { checkSqliteStore, type CheckReport } from '../store/sqlite/check.js';
import { configOf } from './context.js';

interface CheckCliOptions {
  repair?: boolean;
  dropMissing?: boolean;
  json?: boolean;
}

function print(report: CheckReport, repair: boolean): void {
  const c = report.counts;
  console.log(`Checked ${c.accounts} account(s), ${c.mailboxes} mailbox(es), ${c.messages} message(s), ${c.blobs} blob(s), ${c.files} file(s).`);
  if (report.problems.length === 0) {
    console.log('No problems found.');
    return;
  }
  for (const p of report.problems) console.log(`${p.repaired ? 'repaired' : repair ? 'NOT repaired' : 'problem'}: ${p.kind}: ${p.detail}`);
  const left = report.problems.filter((p) => !p.repaired).length;
  console.log(`${report.problems.length} problem(s) found, ${report.problems.length - left} repaired, ${left} left.`);
  if (!repair) console.log('Run again with --repair to fix what is safe (add --drop-missing to remove messages whose file is gone).');
  else if (report.problems.some((p) => !p.repaired && (p.kind === 'missing-file' || p.kind === 'bad-file'))) {
    console.log('Messages whose file is missing or damaged stay until you restore the files or pass --drop-missing.');
  }
}

/** Exit code for a report: 0 nothing left to fix, 1 otherwise. */
export function checkExitCode(report: CheckReport): 0 | 1 {
  return report.problems.every((p) => p.repaired) ? 0 : 1;
}

export function registerCheckCommand(program: Command): void {
  program
    .command('check')
    .description('verify the store offline (stop the server first); --repair fixes what is safe')
    .option('--repair', 'fix reference counts, quota usage, UIDNEXT/HIGHESTMODSEQ, summaries; remove orphan files')
    .option('--drop-missing', 'with --repair: remove messages whose file is missing or damaged')
    .option('--json', 'print the report as JSON')
    .action(async (options: CheckCliOptions, command: Command) => {
      let report: CheckReport;
      try {
        const config = configOf(command);
        if (options.dropMissing === true && options.repair !== true) throw new Error('--drop-missing needs --repair');
        // The PostgreSQL store keeps its invariants in one database transaction each (no files to
        // lose); its checks and backups are PostgreSQL's own (README, "Running several nodes").
        if (config.store.kind !== 'sqlite') throw new Error('postkeep check examines the embedded (sqlite) store; this configuration uses [store] kind = "postgres"');
        if (!existsSync(config.dataDir)) throw new Error(`no store at ${config.dataDir}`);
        const lock = acquireDataLock(config.dataDir, 'check');
        try {
          report = await checkSqliteStore(config.dataDir, {
            analyze: analyzeMessage,
            repair: options.repair === true,
            dropMissing: options.dropMissing === true,
          });
        } finally {
          lock.release();
        }
      } catch (err) {
        console.error(`postkeep check: ${(err as Error).message}`);
        process.exitCode = 2;
        return;
      }
      if (options.json === true) console.log(JSON.stringify(report, null, 2));
      else print(report, options.repair === true);
      process.exitCode = checkExitCode(report);
    });
}
