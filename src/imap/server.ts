// The IMAP service: takes accepted sockets from the listeners (src/server/), runs one Session per
// connection, and ends them all with `* BYE` on shutdown.
import type { Socket } from 'node:net';
import { TLSSocket, type SecureContext } from 'node:tls';
import type { Logger } from 'pino';
import type { Store } from '../store/types.js';
import type { ConnectionLimiter } from '../auth/connection-limits.js';
import type { LoginThrottle } from '../auth/throttle.js';
import type { Limits } from './limits.js';
import { Session } from './session.js';

export interface ImapServiceOptions {
  store: Store;
  limits: Limits;
  logger: Logger;
  secureContext: () => SecureContext;
  plaintextAuth: 'always' | 'loopback' | 'never';
  /** Brute-force brake shared with POP3; absent: none. */
  throttle?: LoginThrottle;
  /** Connections per address and per user, shared with POP3; absent: no limit. */
  connections?: ConnectionLimiter;
  /** Logins that may SETQUOTA for anyone (config [imap] admins). */
  admins?: readonly string[];
}

export class ImapService {
  private readonly sessions = new Set<Session>();
  private stopping = false;

  constructor(private readonly options: ImapServiceOptions) {}

  handle(socket: Socket, opts: { implicitTls: boolean }): void {
    if (this.stopping) {
      socket.end('* BYE [UNAVAILABLE] Server shutting down\r\n');
      return;
    }
    let conn = socket;
    if (opts.implicitTls && !(socket instanceof TLSSocket)) {
      // A raw socket from a plain listener that should speak TLS from the first byte.
      conn = new TLSSocket(socket, { isServer: true, secureContext: this.options.secureContext() });
    }
    const limiter = this.options.connections;
    const slot = limiter ? limiter.openIp(socket.remoteAddress ?? '?') : () => undefined;
    if (!slot) {
      this.options.logger.warn({ peer: socket.remoteAddress, max: limiter?.maxPerIp }, 'IMAP connection refused: too many from this address');
      conn.on('error', () => undefined);
      conn.end(`* BYE [LIMIT] Too many connections from your address (at most ${limiter?.maxPerIp}); close some and try again\r\n`);
      return;
    }
    conn.on('error', (err) => this.options.logger.debug({ err }, 'IMAP connection error'));
    const session = new Session(conn, this.options, { secure: opts.implicitTls });
    this.sessions.add(session);
    void session.closed.then(() => {
      this.sessions.delete(session);
      slot();
    });
    session.start();
  }

  get connectionCount(): number {
    return this.sessions.size;
  }

  /** `* BYE [UNAVAILABLE] reason` to every session; resolves when all are closed. */
  async shutdown(reason: string): Promise<void> {
    this.stopping = true;
    await Promise.all([...this.sessions].map((s) => s.shutdown(reason)));
  }
}
