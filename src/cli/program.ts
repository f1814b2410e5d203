// The command tree; main.ts runs it. Separate so that the tree can be built without running it.
import { Command, Option } from 'commander';
import { registerCheckCommand } from './check.js';
import { registerDeliverCommand } from './deliver.js';
import { registerExportCommand } from './export.js';
import { registerImportCommand } from './import.js';
import { registerMigrateCommand } from './migrate.js';
import { registerServeCommand } from './serve.js';
import { registerUserCommands } from './user.js';

export function buildProgram(): Command {
  const program = new Command('postkeep')
    .description('Postkeep: an IMAP mail server on an embedded store')
    .addOption(new Option('-c, --config <path>', 'configuration file (TOML); defaults apply without one').env('POSTKEEP_CONFIG'))
    .showHelpAfterError();
  registerServeCommand(program);
  registerUserCommands(program);
  registerDeliverCommand(program);
  registerImportCommand(program);
  registerExportCommand(program);
  registerMigrateCommand(program);
  registerCheckCommand(program);
  return program;
}
