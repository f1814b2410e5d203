// postkeep serve: runs until SIGINT/SIGTERM, then closes cleanly (sessions get * BYE) and exits 0.
import type { Command } from 'commander';
import type { Logger } from 'pino';
import { createLogger } from '../server/logger.js';
import { startServer, type RunningServer } from '../server/start.js';
import { configOf } from './context.js';

function stopAndExit(server: RunningServer, logger: Logger): void {
  server.stop().then(
    () => process.exit(0),
    (err: unknown) => {
      logger.error({ err }, 'error while shutting down');
      process.exit(1);
    },
  );
}

export function registerServeCommand(program: Command): void {
  program
    .command('serve')
    .description('run the IMAP server')
    .action(async (_options: unknown, command: Command) => {
      const config = configOf(command);
      const logger = createLogger(config.log.level);
      let server: RunningServer | undefined;
      let signalled = false;
      const onSignal = (signal: NodeJS.Signals): void => {
        if (signalled) {
          // A second Ctrl-C means "now": do not wait for slow clients.
          logger.warn({ signal }, 'second signal, exiting without waiting');
          process.exit(1);
        }
        signalled = true;
        logger.info({ signal }, 'shutting down');
        if (server) stopAndExit(server, logger);
      };
      // Installed before starting, so that a signal during startup still ends in a clean stop.
      process.on('SIGINT', onSignal);
      process.on('SIGTERM', onSignal);
      try {
        server = await startServer(config, { logger });
      } catch (err) {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
        throw err;
      }
      if (signalled) stopAndExit(server, logger);
    });
}
