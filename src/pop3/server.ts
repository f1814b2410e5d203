// The POP3 service: takes accepted sockets from the listeners (src/server/) and runs one session per
// connection. Stopping closes every connection; a QUIT already in its UPDATE state finishes first.
import type { Socket } from 'node:net';
import { TLSSocket } from 'node:tls';
import { Pop3Session, type Pop3SessionDeps } from './session.js';

export type Pop3ServiceOptions = Pop3SessionDeps;

export class Pop3Service {
  private readonly sessions = new Set<Pop3Session>();
  private stopping = false;

  constructor(private readonly options: Pop3ServiceOptions) {}

  handle(socket: Socket, opts: { implicitTls: boolean }): void {
    if (this.stopping) {
      socket.end('-ERR [SYS/TEMP] Server shutting down\r\n');
      return;
    }
    let conn = socket;
    if (opts.implicitTls && !(socket instanceof TLSSocket)) {
      conn = new TLSSocket(socket, { isServer: true, secureContext: this.options.secureContext() });
    }
    const limiter = this.options.connections;
    const slot = limiter ? limiter.openIp(socket.remoteAddress ?? '?') : () => undefined;
    if (!slot) {
      this.options.logger.warn({ peer: socket.remoteAddress, max: limiter?.maxPerIp }, 'POP3 connection refused: too many from this address');
      conn.on('error', () => undefined);
      // RFC 3206 §4: SYS/TEMP, a temporary problem; the client may try again later.
      conn.end(`-ERR [SYS/TEMP] Too many connections from your address (at most ${limiter?.maxPerIp}); close some and try again\r\n`);
      return;
    }
    conn.on('error', (err) => this.options.logger.debug({ err }, 'POP3 connection error'));
    const session = new Pop3Session(conn, this.options, { secure: opts.implicitTls });
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

  async shutdown(): Promise<void> {
    this.stopping = true;
    await Promise.all([...this.sessions].map((s) => s.shutdown()));
  }
}
