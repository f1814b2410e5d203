// Wiring: config -> data dir -> store -> certificate -> IMAP and POP3 services -> listeners; and the way back.
import { mkdir } from 'node:fs/promises';
import { createServer as createNetServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import type { Logger } from 'pino';
import { ConnectionLimiter } from '../auth/connection-limits.js';
import { LoginThrottle } from '../auth/throttle.js';
import { parseListenAddress } from '../config/listen.js';
import type { Config } from '../config/types.js';
import { ImapService } from '../imap/server.js';
import { LmtpService } from '../lmtp/server.js';
import { analyzeMessage } from '../mime/analyze.js';
import { Pop3Service } from '../pop3/server.js';
import { openStore } from '../store/open.js';
import { SqliteStore } from '../store/sqlite/index.js';
import type { Store } from '../store/types.js';
import { createTlsContextHolder, TLS12_CIPHERS, TLS_MIN_VERSION, type TlsContextHolder } from '../tls/index.js';
import { closeListener, formatAddress, listenOn } from './listen.js';
import { createLogger } from './logger.js';

export interface RunningServer {
  readonly store: Store;
  readonly imap: { readonly plain: AddressInfo[]; readonly tls: AddressInfo[] };
  /** Empty lists when [pop3] listens nowhere. */
  readonly pop3: { readonly plain: AddressInfo[]; readonly tls: AddressInfo[] };
  /** LMTP listeners (RFC 2033); empty when [lmtp] listen is empty. */
  readonly lmtp: AddressInfo[];
  /** Stops accepting, says BYE to every session, closes the store. Safe to call twice. */
  stop(): Promise<void>;
  /** Reads the certificate and key again (SIGHUP): new connections and STARTTLS use them, open ones
   *  keep theirs. On failure the old pair stays in use and the error is thrown. */
  reloadTls(): Promise<void>;
}

export interface StartOptions {
  readonly logger?: Logger;
}

interface Service {
  handle(socket: Socket, opts: { implicitTls: boolean }): void;
}

function createImplicitTlsServer(tls: TlsContextHolder, service: Service, logger: Logger): Server {
  // PEM options rather than `secureContext` alone: a tls.Server given only a secureContext fails
  // every handshake with "no suitable signature algorithm" on Node 20.
  const pem = (): { cert: string; key: string; minVersion: typeof TLS_MIN_VERSION; ciphers: string } => ({
    cert: tls.certificate().cert,
    key: tls.certificate().key,
    minVersion: TLS_MIN_VERSION,
    ciphers: TLS12_CIPHERS,
  });
  const server = createTlsServer(pem(), (socket) => service.handle(socket, { implicitTls: true }));
  server.on('tlsClientError', (err, socket) => logger.debug({ err: err.message, remote: socket.remoteAddress }, 'TLS handshake failed'));
  tls.onReload(() => server.setSecureContext(pem()));
  return server;
}

export async function startServer(config: Config, options: StartOptions = {}): Promise<RunningServer> {
  const logger = options.logger ?? createLogger(config.log.level);
  // 0700: the directory holds everyone's mail.
  await mkdir(config.dataDir, { recursive: true, mode: 0o700 });
  const store = await openStore(config, {
    analyze: analyzeMessage,
    // PostgreSQL: IDLE sessions miss other nodes' changes until the LISTEN connection is back.
    onProblem: (err, retryInMs) => logger.warn({ err: err.message, retryInMs }, 'store: lost the LISTEN connection to PostgreSQL, reconnecting'),
  });
  // SQLite only (src/store/sqlite/shutdown-marker.ts); PostgreSQL commits every change durably.
  if ('recoveredFromUncleanShutdown' in store && store.recoveredFromUncleanShutdown === true) {
    logger.warn('store: the last run did not shut down cleanly; HIGHESTMODSEQ and UIDNEXT of every mailbox moved ahead so that no MODSEQ or UID is given out twice');
  }
  // SQLite only (src/store/blobs/layout.ts): message files of an older version were moved at this open.
  const moved = store instanceof SqliteStore ? store.blobs.layoutMigration.moved : 0;
  if (moved > 0) logger.info({ moved }, 'store: message files moved to the one-level directory layout (once, at the first start of this version)');
  const listeners: Server[] = [];
  let imap: ImapService | undefined;
  let pop3: Pop3Service | undefined;
  let lmtp: LmtpService | undefined;
  let stopping: Promise<void> | undefined;

  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      // close() first so no new connection arrives, but it resolves only once the sessions are gone.
      const closed = Promise.all(listeners.map(closeListener));
      // LMTP deliveries in progress finish (and get their replies) before the store closes.
      await Promise.all([imap?.shutdown('Server shutting down'), pop3?.shutdown(), lmtp?.shutdown()]);
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
    // One brute-force brake and one connection count for IMAP and POP3 together (docs/security.md).
    const l = config.imap.limits;
    const throttle = new LoginThrottle({
      baseDelayMs: l.loginFailureDelayMs,
      maxDelayMs: l.loginFailureMaxDelayMs,
      lockoutUserFailures: l.loginLockoutUserFailures,
      lockoutIpFailures: l.loginLockoutIpFailures,
      lockoutMs: l.loginLockoutMs,
    });
    const connections = new ConnectionLimiter(l.maxConnectionsPerIp, l.maxConnectionsPerUser);
    imap = new ImapService({
      store,
      throttle,
      connections,
      limits: config.imap.limits,
      logger,
      secureContext: () => tls.current(),
      plaintextAuth: config.imap.plaintextAuth,
      admins: config.imap.admins,
    });
    pop3 = new Pop3Service({
      store,
      throttle,
      connections,
      limits: config.imap.limits,
      logger,
      secureContext: () => tls.current(),
      plaintextAuth: config.pop3.plaintextAuth,
    });

    const bind = async (text: string, implicitTls: boolean, service: Service, protocol: 'IMAP' | 'POP3'): Promise<AddressInfo> => {
      const address = parseListenAddress(text);
      if (address === null) throw new Error(`invalid listen address ${text} (config validation should have caught it)`);
      const server = implicitTls
        ? createImplicitTlsServer(tls, service, logger)
        : createNetServer((socket) => service.handle(socket, { implicitTls: false }));
      listeners.push(server);
      const info = await listenOn(server, address);
      server.on('error', (err) => logger.error({ err }, 'listener error'));
      logger.info({ address: formatAddress(info), tls: implicitTls ? 'implicit' : 'starttls' }, `${protocol}${implicitTls ? 'S' : ''} listening on ${formatAddress(info)}`);
      return info;
    };
    const plain: AddressInfo[] = [];
    for (const text of config.imap.listen) plain.push(await bind(text, false, imap, 'IMAP'));
    const secure: AddressInfo[] = [];
    for (const text of config.imap.listenTls) secure.push(await bind(text, true, imap, 'IMAP'));
    const pop3Plain: AddressInfo[] = [];
    for (const text of config.pop3.listen) pop3Plain.push(await bind(text, false, pop3, 'POP3'));
    const pop3Secure: AddressInfo[] = [];
    for (const text of config.pop3.listenTls) pop3Secure.push(await bind(text, true, pop3, 'POP3'));

    const lmtpInfo: AddressInfo[] = [];
    if (config.lmtp.listen.length > 0) {
      const service = new LmtpService({ store, config: config.lmtp, logger });
      lmtp = service;
      for (const text of config.lmtp.listen) {
        const address = parseListenAddress(text);
        if (address === null) throw new Error(`invalid listen address ${text} (config validation should have caught it)`);
        const info = await listenOn(service.createListener(), address);
        logger.info({ address: formatAddress(info) }, `LMTP listening on ${formatAddress(info)} (no authentication: keep it on loopback or a trusted network)`);
        lmtpInfo.push(info);
      }
    }

    if ((await store.listAccounts()).length === 0) {
      logger.warn('No accounts yet. Add one in another terminal: npx postkeep user add alice');
    }
    return { store, imap: { plain, tls: secure }, pop3: { plain: pop3Plain, tls: pop3Secure }, lmtp: lmtpInfo, stop, reloadTls: () => tls.reload() };
  } catch (err) {
    await stop();
    throw err;
  }
}
