// The IMAP service: takes accepted sockets from the listeners (src/server/), runs one Session per
// connection, and ends them all with `* BYE` on shutdown.
import type { Socket } from 'node:net';
import type { SecureContext } from 'node:tls';
import type { Logger } from 'pino';
import type { Store } from '../store/types.js';
import type { ConnectionLimiter } from '../auth/connection-limits.js';
import type { LoginThrottle } from '../auth/throttle.js';
import type { Limits } from './limits.js';
import { Session } from './session.js';
import { SessionTracker } from '../net/session-tracker.js';

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
  private readonly tracker: SessionTracker<Session>;

  constructor(private readonly options: ImapServiceOptions) {
    this.tracker = new SessionTracker({
      protocol: 'IMAP',
      logger: options.logger,
      secureContext: options.secureContext,
      connections: options.connections,
      shuttingDownLine: '* BYE [UNAVAILABLE] Server shutting down\r\n',
      tooManyLine: (max) => `* BYE [LIMIT] Too many connections from your address (at most ${max}); close some and try again\r\n`,
      createSession: (conn, secure) => new Session(conn, this.options, { secure }),
    });
  }

  handle(socket: Socket, opts: { implicitTls: boolean }): void {
    this.tracker.accept(socket, opts);
  }

  get connectionCount(): number {
    return this.tracker.size;
  }

  /** The sessions open now (diagnostics; the fuzz runner checks whether one is mid-command). */
  get sessions(): ReadonlySet<Session> {
    return this.tracker.open;
  }

  /** `* BYE [UNAVAILABLE] reason` to every session; resolves when all are closed. */
  async shutdown(reason: string): Promise<void> {
    await this.tracker.stopAll((s) => s.shutdown(reason));
  }
}
