// What the IMAP and POP3 services share when a listener hands them a socket: refuse while stopping,
// start TLS for implicit-TLS listeners, take a per-address connection slot (refuse past the limit
// with the protocol's own line), and keep every session until it closes so shutdown can reach it.
import type { Socket } from 'node:net';
import { TLSSocket, type SecureContext } from 'node:tls';
import { serverTls } from './server-tls.js';
import type { Logger } from 'pino';
import type { ConnectionLimiter } from '../auth/connection-limits.js';

export interface TrackedSession {
  readonly closed: Promise<unknown>;
  start(): void;
}

export interface SessionTrackerOptions<S extends TrackedSession> {
  /** For log lines: "IMAP", "POP3". */
  readonly protocol: string;
  readonly logger: Logger;
  readonly secureContext: () => SecureContext;
  readonly connections?: ConnectionLimiter | undefined;
  /** The line a connection gets while the server is stopping. */
  readonly shuttingDownLine: string;
  /** The line a connection gets past the per-address limit. */
  readonly tooManyLine: (max: number) => string;
  readonly createSession: (conn: Socket, secure: boolean) => S;
}

export class SessionTracker<S extends TrackedSession> {
  private readonly sessions = new Set<S>();
  private stopping = false;

  constructor(private readonly options: SessionTrackerOptions<S>) {}

  accept(socket: Socket, opts: { implicitTls: boolean }): void {
    const o = this.options;
    if (this.stopping) {
      socket.end(o.shuttingDownLine);
      return;
    }
    let conn = socket;
    if (opts.implicitTls && !(socket instanceof TLSSocket)) {
      // A raw socket from a plain listener that should speak TLS from the first byte.
      conn = serverTls(socket, o.secureContext());
    }
    const limiter = o.connections;
    const slot = limiter ? limiter.openIp(socket.remoteAddress ?? '?') : () => undefined;
    if (!slot) {
      const max = limiter?.maxPerIp ?? 0;
      o.logger.warn({ peer: socket.remoteAddress, max }, `${o.protocol} connection refused: too many from this address`);
      conn.on('error', () => undefined);
      conn.end(o.tooManyLine(max));
      return;
    }
    conn.on('error', (err) => o.logger.debug({ err }, `${o.protocol} connection error`));
    const session = o.createSession(conn, opts.implicitTls);
    this.sessions.add(session);
    void session.closed.then(() => {
      this.sessions.delete(session);
      slot();
    });
    session.start();
  }

  get size(): number {
    return this.sessions.size;
  }

  /** The sessions open now (diagnostics and tests). */
  get open(): ReadonlySet<S> {
    return this.sessions;
  }

  /** Stops accepting, runs `stop` on every session and resolves when all have finished it. */
  async stopAll(stop: (session: S) => Promise<void>): Promise<void> {
    this.stopping = true;
    await Promise.all([...this.sessions].map(stop));
  }
}
