// One POP3 connection (RFC 1939 §3): greeting, then one command per line, answered in order
// (RFC 2449 §6.6 PIPELINING), through AUTHORIZATION, TRANSACTION and UPDATE. Autologout closes
// without UPDATE (RFC 1939 §3), so DELE marks are kept unless the client sent QUIT.
import type { Socket } from 'node:net';
import { feedReader } from '../net/feed-reader.js';
import type { SecureContext } from 'node:tls';
import { serverTls } from '../net/server-tls.js';
import type { Logger } from 'pino';
import type { Limits } from '../imap/limits.js';
import { isLoopback } from '../imap/peer.js';
import type { PlaintextAuth } from '../config/types.js';
import type { Store } from '../store/types.js';
import type { ConnectionLimiter } from '../auth/connection-limits.js';
import { LoginGuard } from '../auth/login-guard.js';
import type { LoginThrottle } from '../auth/throttle.js';
import { capabilityLines } from './capabilities.js';
import { commands } from './commands.js';
import { LineReader } from './line-reader.js';
import { ConnectionClosedError, Pop3Writer } from './writer.js';
import { Pop3Abort, Pop3Error, type Pop3Context, type Pop3State } from './types.js';

export interface Pop3SessionDeps {
  readonly store: Store;
  /** The [imap.limits] values: line length, output buffer, timeouts, failed logins. */
  readonly limits: Limits;
  readonly logger: Logger;
  readonly secureContext: () => SecureContext;
  readonly plaintextAuth: PlaintextAuth;
  /** Shared with IMAP; absent: no brute-force brake. */
  readonly throttle?: LoginThrottle;
  /** Per-address and per-user connection counts, shared with IMAP. */
  readonly connections?: ConnectionLimiter;
}

// Invalid lines in a row (unknown command, too long, empty) before we give up on the peer: it is
// probably not speaking POP3 at all.
const MAX_BAD_COMMANDS = 10;

const STATE_NAME: Record<Pop3State['kind'], string> = { authorization: 'AUTHORIZATION', transaction: 'TRANSACTION', update: 'UPDATE' };

export class Pop3Session {
  private socket: Socket;
  private readonly raw: Socket;
  private reader!: LineReader;
  private readonly writer: Pop3Writer;
  private state: Pop3State = { kind: 'authorization', user: null };
  private secure: boolean;
  private readonly loopback: boolean;
  private authFailures = 0;
  private readonly loginGuard: LoginGuard;
  private badCommands = 0;
  /** A command is running (not waiting for the client): autologout waits. */
  private busy = false;
  private closing = false;
  private closeAfterReply = false;
  /** The store changed the maildrop's mailbox since we last looked. */
  private dirty = false;
  private readonly highWater: number;
  private readonly log: Logger;
  private readonly unsubscribe: () => void;
  private detachInput: () => void = () => undefined;
  private readonly loopDone: Promise<void>;
  private resolveLoop!: () => void;
  private readonly socketClosed: Promise<void>;

  constructor(
    socket: Socket,
    private readonly deps: Pop3SessionDeps,
    options: { readonly secure: boolean },
  ) {
    this.socket = socket;
    this.raw = socket;
    this.secure = options.secure;
    this.loopback = isLoopback(socket.remoteAddress);
    this.log = deps.logger.child({ protocol: 'pop3', peer: `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? '?'}` });
    this.highWater = deps.limits.maxReadAheadBytes;
    this.loginGuard = new LoginGuard({
      throttle: deps.throttle ?? null,
      connections: deps.connections ?? null,
      peer: socket.remoteAddress ?? '?',
      protocol: 'pop3',
      logger: deps.logger,
    });
    this.writer = new Pop3Writer(socket, deps.limits.maxOutputBufferBytes);
    this.socketClosed = new Promise((resolve) => socket.once('close', () => resolve()));
    this.loopDone = new Promise((resolve) => (this.resolveLoop = resolve));
    this.attachInput(socket);
    socket.on('error', (err) => this.log.debug({ err }, 'socket error'));
    socket.once('close', () => this.cleanup());
    socket.on('timeout', () => this.autologout());
    this.applyTimeout();
    this.unsubscribe = deps.store.onChange((mailboxId) => {
      if (this.state.kind === 'transaction' && this.state.drop.mailboxId === mailboxId) this.dirty = true;
    });
  }

  /** Resolves when the connection is closed and no command is running any more. */
  get closed(): Promise<void> {
    return Promise.all([this.socketClosed, this.loopDone]).then(() => undefined);
  }

  start(): void {
    void this.serve()
      .catch((err: unknown) => {
        this.log.error({ err }, 'POP3 session failed');
        this.destroy();
      })
      .finally(() => this.resolveLoop());
  }

  /** Server stop: a running QUIT finishes its UPDATE; otherwise the connection just closes, and
   *  DELE marks without QUIT are forgotten (RFC 1939 §6: no UPDATE without QUIT). */
  async shutdown(): Promise<void> {
    if (this.state.kind === 'update') await this.loopDone;
    this.destroy();
    await this.closed;
  }

  // ---- input ----

  private attachInput(socket: Socket): void {
    const reader = new LineReader(this.deps.limits.maxLineBytes);
    this.reader = reader;
    this.detachInput = feedReader(socket, reader, this.highWater);
  }

  private async nextLine(): Promise<string | null | 'tooLong'> {
    if (this.socket.isPaused()) this.socket.resume();
    const r = await this.reader.next();
    if (r === null) return null;
    return r.kind === 'line' ? r.text : 'tooLong';
  }

  // ---- the loop ----

  private async serve(): Promise<void> {
    try {
      await this.writer.ok('Postkeep POP3 server ready');
      while (!this.closing) {
        const line = await this.nextLine();
        if (line === null || this.closing) break;
        await this.execute(line);
        if (this.closeAfterReply || this.authFailures >= this.deps.limits.maxAuthFailures || this.badCommands >= MAX_BAD_COMMANDS) break;
      }
    } catch (err) {
      if (!(err instanceof ConnectionClosedError)) throw err;
    }
    this.end();
  }

  private async execute(line: string): Promise<void> {
    if (line === 'tooLong') return this.bad(`Line too long (the limit is ${this.deps.limits.maxLineBytes} octets)`);
    const space = line.indexOf(' ');
    const keyword = (space === -1 ? line : line.slice(0, space)).toUpperCase();
    const rest = space === -1 ? '' : line.slice(space + 1);
    const args = rest.split(' ').filter((w) => w !== '');
    const command = commands.get(keyword);
    if (!command) return this.bad(keyword === '' ? 'Empty command' : `Unknown command ${JSON.stringify(keyword.slice(0, 20))}`);
    this.badCommands = 0;
    if (!command.states.includes(this.state.kind)) {
      await this.writer.err(null, `${keyword} is not valid in the ${STATE_NAME[this.state.kind]} state`);
      return;
    }
    this.busy = true;
    try {
      await command.run(args, rest, this.context());
    } catch (err) {
      if (err instanceof Pop3Error) {
        await this.writer.err(err.code, err.message);
      } else if (err instanceof ConnectionClosedError) {
        throw err;
      } else if (err instanceof Pop3Abort) {
        this.log.warn({ err }, 'POP3: response aborted; closing the connection');
        this.destroy();
      } else {
        this.log.error({ err, command: keyword }, 'POP3 command failed');
        await this.writer.err('SYS/TEMP', `${keyword} failed on the server; try again later`);
      }
    } finally {
      this.busy = false;
    }
  }

  private async bad(text: string): Promise<void> {
    this.badCommands++;
    const last = this.badCommands >= MAX_BAD_COMMANDS;
    await this.writer.err(null, last ? `${text}; too many invalid commands, closing the connection` : text);
  }

  private plaintextAuthAllowed(): boolean {
    const p = this.deps.plaintextAuth;
    return this.secure || p === 'always' || (p === 'loopback' && this.loopback);
  }

  private context(): Pop3Context {
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const session = this;
    return {
      store: this.deps.store,
      logger: this.log,
      writer: this.writer,
      get state() {
        return session.state;
      },
      setState: (state) => this.setState(state),
      get secure() {
        return session.secure;
      },
      get plaintextAuthAllowed() {
        return session.plaintextAuthAllowed();
      },
      capabilities: () => capabilityLines({ secure: this.secure, plaintextAuthAllowed: this.plaintextAuthAllowed() }),
      readLine: async () => {
        // Waiting for the client is idleness: the autologout timer applies.
        this.busy = false;
        try {
          const line = await this.nextLine();
          return line === 'tooLong' ? '' : line;
        } finally {
          this.busy = true;
        }
      },
      authFailed: () => ++this.authFailures >= this.deps.limits.maxAuthFailures,
      loginGuard: this.loginGuard,
      startTls: () => this.startTls(),
      refresh: () => this.refresh(),
      closeAfterReply: () => {
        this.closeAfterReply = true;
      },
    };
  }

  private setState(state: Pop3State): void {
    const before = this.state.kind;
    this.state = state;
    if (before === 'authorization' && state.kind === 'transaction') {
      this.dirty = false;
      this.applyTimeout();
    }
  }

  private async refresh(): Promise<void> {
    const s = this.state;
    if (s.kind !== 'transaction' || !this.dirty) return;
    this.dirty = false;
    const changes = await this.deps.store.changesSince(s.drop.mailboxId, s.drop.modseq);
    s.drop.learnExpunged(changes.expunged, changes.highestModseq);
  }

  /** RFC 2595 §4: TLS starts right after the +OK; whatever the client sent before it is dropped. */
  private startTls(): void {
    this.detachInput();
    this.reader.discard();
    const plain = this.socket;
    const secure = serverTls(plain, this.deps.secureContext(), (err) => {
      this.log.debug({ err }, 'TLS error');
      this.destroy();
    });
    this.socket = secure;
    this.secure = true;
    this.writer.setOutput(secure);
    this.attachInput(secure);
  }

  // ---- ending ----

  private applyTimeout(): void {
    const l = this.deps.limits;
    // RFC 1939 §3: the autologout timer is at least 10 minutes once logged in ([imap.limits] has 30 or more).
    this.raw.setTimeout(this.state.kind === 'authorization' ? l.idleTimeoutUnauthenticatedMs : l.idleTimeoutAuthenticatedMs);
  }

  private autologout(): void {
    // Our own work (a password hash, reading a message) is not the client's silence; a client that
    // stopped reading what we send is.
    if (this.busy && !this.writer.blocked) return;
    // RFC 1939 §3: close without a response and without entering UPDATE.
    this.log.debug('POP3 autologout');
    this.destroy();
  }

  private end(): void {
    this.closing = true;
    if (!this.socket.destroyed) this.socket.end();
    // A peer that never reads must not keep the socket open.
    setTimeout(() => this.destroy(), 2000).unref();
  }

  private destroy(): void {
    this.closing = true;
    this.socket.destroy();
    this.raw.destroy();
  }

  private cleanup(): void {
    this.closing = true;
    this.unsubscribe();
    this.loginGuard.releaseUser();
    this.reader.end();
  }
}
