// postkeep serve: runs until SIGINT/SIGTERM (SIGHUP reloads the TLS certificate), then stops cleanly and exits 0: listeners close, IMAP
// commands at work (an APPEND storing its message) finish and get their answer, then every session gets
// `* BYE`; LMTP deliveries in progress finish with their replies; POP3 sessions close without UPDATE.
// If that takes longer than --shutdown-timeout, the process exits 1 anyway (the rest is cut off).
// The data directory's lock (postkeep.lock) is held while serving, so `postkeep check` cannot run
// beside it.
import { mkdirSync } from 'node:fs';
import { Option, type Command } from 'commander';
import type { Logger } from 'pino';
import { acquireDataLock, DataDirLockedError, type DataLock } from '../server/data-lock.js';
import { createLogger } from '../server/logger.js';
import { startServer, type RunningServer } from '../server/start.js';
import { configOf } from './context.js';
import { CliError } from './errors.js';

function stopAndExit(server: RunningServer, logger: Logger, lock: DataLock, deadlineMs: number): void {
  // The hard deadline: a client that never finishes its DATA cannot keep the server up for ever.
  setTimeout(() => {
    logger.error({ deadlineMs }, `shutdown deadline of ${deadlineMs} ms passed: remaining connections cut off, exiting 1`);
    lock.release();
    process.exit(1);
  }, deadlineMs);
  server.stop().then(
    () => {
      lock.release();
      process.exit(0);
    },
    (err: unknown) => {
      logger.error({ err }, 'error while shutting down');
      lock.release();
      process.exit(1);
    },
  );
}

export function registerServeCommand(program: Command): void {
  program
    .command('serve')
    .description('run the IMAP server')
    .addOption(
      new Option('--shutdown-timeout <seconds>', 'on SIGTERM/SIGINT, exit 1 after this many seconds even if clients are still busy')
        .default('10')
        .env('POSTKEEP_SHUTDOWN_TIMEOUT'),
    )
    .action(async (options: { shutdownTimeout: string }, command: Command) => {
      const config = configOf(command);
      const seconds = Number(options.shutdownTimeout);
      if (!Number.isFinite(seconds) || seconds <= 0) throw new CliError(`--shutdown-timeout must be a positive number of seconds, not "${options.shutdownTimeout}"`);
      const deadlineMs = Math.round(seconds * 1000);
      const logger = createLogger(config.log.level);
      mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
      let lock: DataLock;
      try {
        lock = acquireDataLock(config.dataDir, 'serve');
      } catch (err) {
        if (err instanceof DataDirLockedError) throw new CliError(err.message);
        throw err;
      }
      let server: RunningServer | undefined;
      let signalled = false;
      const onSignal = (signal: NodeJS.Signals): void => {
        if (signalled) {
          // A second Ctrl-C means "now": do not wait for slow clients.
          logger.warn({ signal }, 'second signal, exiting without waiting');
          lock.release();
          process.exit(1);
        }
        signalled = true;
        logger.info({ signal }, 'shutting down');
        if (server) stopAndExit(server, logger, lock, deadlineMs);
      };
      // Installed before starting, so that a signal during startup still ends in a clean stop.
      process.on('SIGINT', onSignal);
      process.on('SIGTERM', onSignal);
      // SIGHUP: a renewed certificate (e.g. certbot's deploy hook) is read again; connections stay.
      process.on('SIGHUP', () => {
        if (!server) return;
        server.reloadTls().then(
          () => logger.info('TLS certificate and key reloaded'),
          (err: unknown) => logger.error({ err: err instanceof Error ? err.message : String(err) }, 'TLS reload failed; the previous certificate stays in use'),
        );
      });
      try {
        server = await startServer(config, { logger });
      } catch (err) {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
        lock.release();
        throw err;
      }
      if (signalled) stopAndExit(server, logger, lock, deadlineMs);
    });
}
