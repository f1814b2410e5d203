// postkeep serve: runs until SIGINT/SIGTERM, then closes cleanly (sessions get * BYE) and exits 0.
import type { Command } from 'commander';
import { createLogger } from '../server/logger.js';
import { startServer } from '../server/start.js';
import { configOf } from './context.js';

export function registerServeCommand(program: Command): void {
  program
    .command('serve')
    .description('run the IMAP server')
    .action(async (_options: unknown, command: Command) => {
      const config = configOf(command);
      const logger = createLogger(config.log.level);
      const server = await startServer(config, { logger });
      let stopping = false;
      const onSignal = (signal: NodeJS.Signals): void => {
        if (stopping) {
          // A second Ctrl-C means "now": do not wait for slow clients.
          logger.warn({ signal }, 'second signal, exiting without waiting');
          process.exit(1);
        }
        stopping = true;
        logger.info({ signal }, 'shutting down');
        server.stop().then(
          () => process.exit(0),
          (err: unknown) => {
            logger.error({ err }, 'error while shutting down');
            process.exit(1);
          },
        );
      };
      process.on('SIGINT', onSignal);
      process.on('SIGTERM', onSignal);
    });
}
