// The POP3 service: takes accepted sockets from the listeners (src/server/) and runs one session per
// connection. Stopping closes every connection; a QUIT already in its UPDATE state finishes first.
import type { Socket } from 'node:net';
import { Pop3Session, type Pop3SessionDeps } from './session.js';
import { SessionTracker } from '../net/session-tracker.js';

export type Pop3ServiceOptions = Pop3SessionDeps;

export class Pop3Service {
  private readonly tracker: SessionTracker<Pop3Session>;

  constructor(private readonly options: Pop3ServiceOptions) {
    this.tracker = new SessionTracker({
      protocol: 'POP3',
      logger: options.logger,
      secureContext: options.secureContext,
      connections: options.connections,
      shuttingDownLine: '-ERR [SYS/TEMP] Server shutting down\r\n',
      // RFC 3206 §4: SYS/TEMP, a temporary problem; the client may try again later.
      tooManyLine: (max) => `-ERR [SYS/TEMP] Too many connections from your address (at most ${max}); close some and try again\r\n`,
      createSession: (conn, secure) => new Pop3Session(conn, this.options, { secure }),
    });
  }

  handle(socket: Socket, opts: { implicitTls: boolean }): void {
    this.tracker.accept(socket, opts);
  }

  get connectionCount(): number {
    return this.tracker.size;
  }

  async shutdown(): Promise<void> {
    await this.tracker.stopAll((s) => s.shutdown());
  }
}
