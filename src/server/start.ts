// Wiring: config -> data dir -> store -> certificate -> IMAP service -> listeners; and the way back.
import { mkdir } from 'node:fs/promises';
import { createServer as createNetServer, type AddressInfo, type Server } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import type { Logger } from 'pino';
import { parseListenAddress } from '../config/listen.js';
import type { Config } from '../config/types.js';
import { ImapService } from '../imap/server.js';
import { analyzeMessage } from '../mime/analyze.js';
import { openSqliteStore } from '../store/sqlite/index.js';
import type { Store } from '../store/types.js';
import { createTlsContextHolder, TLS_MIN_VERSION, type TlsContextHolder } from '../tls/index.js';
import { closeListener, formatAddress, listenOn } from './listen.js';
import { createLogger } from './logger.js';

export interface RunningServer {
  readonly store: Store;
  readonly imap: { readonly plain: AddressInfo[]; readonly tls: AddressInfo[] };
  /** Stops accepting, says BYE to every session, closes the store. Safe to call twice. */
  stop(): Promise<void>;
}

export interface StartOptions {
  readonly logger?: Logger;
}

function openStore(config: Config): Promise<Store> {
  switch (config.store.kind) {
    case 'sqlite':
      return openSqliteStore({ dataDir: config.dataDir, analyze: analyzeMessage });
  }
}

function createImplicitTlsServer(tls: TlsContextHolder, imap: ImapService, logger: Logger): Server {
  // PEM options rather than `secureContext` alone: a tls.Server given only a secureContext fails
  // every handshake with "no suitable signature algorithm" on Node 20.
  const pem = (): { cert: string; key: string; minVersion: typeof TLS_MIN_VERSION } => ({
    cert: tls.certificate().cert,
    key: tls.certificate().key,
    minVersion: TLS_MIN_VERSION,
  });
  const server = createTlsServer(pem(), (socket) => imap.handle(socket, { implicitTls: true }));
  server.on('tlsClientError', (err, socket) => logger.debug({ err: err.message, remote: socket.remoteAddress }, 'TLS handshake failed'));
  tls.onReload(() => server.setSecureContext(pem()));
  return server;
}

export async function startServer(config: Config, options: StartOptions = {}): Promise<RunningServer> {
  const logger = options.logger ?? createLogger(config.log.level);
  // 0700: the directory holds everyone's mail.
  await mkdir(config.dataDir, { recursive: true, mode: 0o700 });
  const store = await openStore(config);
  const listeners: Server[] = [];
  let imap: ImapService | undefined;
  let stopping: Promise<void> | undefined;

  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      // close() first so no new connection arrives, but it resolves only once the sessions are gone.
      const closed = Promise.all(listeners.map(closeListener));
      await imap?.shutdown('Server shutting down');
      await closed;
      await store.close();
      logger.info('stopped');
    })();
    return stopping;
  };

  try {
    const tls = await createTlsContextHolder(config.tls, config.dataDir);
    const certificate = tls.certificate();
    if (certificate.selfSigned) {
      logger.warn(
        { cert: certificate.certPath },
        'Using a self-signed certificate: mail clients will warn about it once. Set [tls] cert and key to use a real one.',
      );
    } else {
      logger.info({ cert: certificate.certPath, key: certificate.keyPath }, 'TLS certificate loaded');
    }
    imap = new ImapService({
      store,
      limits: config.imap.limits,
      logger,
      secureContext: () => tls.current(),
      plaintextAuth: config.imap.plaintextAuth,
    });
    const service = imap;

    const bind = async (text: string, implicitTls: boolean): Promise<AddressInfo> => {
      const address = parseListenAddress(text);
      if (address === null) throw new Error(`invalid listen address ${text} (config validation should have caught it)`);
      const server = implicitTls
        ? createImplicitTlsServer(tls, service, logger)
        : createNetServer((socket) => service.handle(socket, { implicitTls: false }));
      listeners.push(server);
      const info = await listenOn(server, address);
      server.on('error', (err) => logger.error({ err }, 'listener error'));
      logger.info({ address: formatAddress(info), tls: implicitTls ? 'implicit' : 'starttls' }, `IMAP${implicitTls ? 'S' : ''} listening on ${formatAddress(info)}`);
      return info;
    };
    const plain: AddressInfo[] = [];
    for (const text of config.imap.listen) plain.push(await bind(text, false));
    const secure: AddressInfo[] = [];
    for (const text of config.imap.listenTls) secure.push(await bind(text, true));

    if ((await store.listAccounts()).length === 0) {
      logger.warn('No accounts yet. Add one in another terminal: npx postkeep user add alice');
    }
    return { store, imap: { plain, tls: secure }, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
