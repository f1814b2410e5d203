// One IMAP connection (DESIGN.md "How the IMAP layer is shaped"): greeting, read loop, dispatch to
// the command modules in order (RFC 9051 §5.5), tagged answers, the selected view's updates at safe
// points (RFC 9051 §7.5.1), IDLE pushes, STARTTLS, timeouts.
import type { Socket } from 'node:net';
import type { Readable } from 'node:stream';
import { feedReader } from '../net/feed-reader.js';
import type { SecureContext } from 'node:tls';
import { serverTls } from '../net/server-tls.js';
import type { Logger } from 'pino';
import type { Store } from '../store/types.js';
import type { ConnectionLimiter } from '../auth/connection-limits.js';
import { LoginGuard } from '../auth/login-guard.js';
import type { LoginThrottle } from '../auth/throttle.js';
import type { Limits } from './limits.js';
import type { Command } from './wire/ast.js';
import { CommandReader, defaultLiteralPolicy, type LiteralDecision, type LiteralInfo, type Request, type ReaderError } from './wire/reader.js';
import { parseCommand, ParseError } from './wire/parse.js';
import { ResponseWriter } from './wire/writer.js';
import { Atom } from './wire/data.js';
import { capabilityList } from './capabilities.js';
import { commandModule, commandModules } from './commands/registry.js';
import type { CommandContext, CommandModule, SessionState, StateKind } from './commands/types.js';
import { SessionMode } from './session-mode.js';
import { describeError } from './session-errors.js';
import { commandContext } from './session-context.js';
import { SelectedUpdates } from './session-updates.js';
import { startCompression, type CompressionLayer } from './compress.js';
import { isLoopback, looksLikeOtherProtocol } from './peer.js';
import { isAdmin } from './admins.js';

export interface SessionDeps {
  readonly store: Store;
  readonly limits: Limits;
  readonly logger: Logger;
  readonly secureContext: () => SecureContext;
  readonly plaintextAuth: 'always' | 'loopback' | 'never';
  /** Shared by every connection (and POP3); absent: no brute-force brake (unit tests). */
  readonly throttle?: LoginThrottle;
  /** Per-address and per-user connection counts, shared with POP3. */
  readonly connections?: ConnectionLimiter;
  /** Logins that may SETQUOTA for anyone (config [imap] admins). */
  readonly admins?: readonly string[];
}

const STATE_TEXT: Record<StateKind, string> = {
  notAuthenticated: 'not authenticated',
  authenticated: 'authenticated',
  selected: 'selected',
  logout: 'logout',
};

export class Session {
  private socket: Socket;
  private readonly raw: Socket;
  private reader!: CommandReader;
  private readonly writer: ResponseWriter;
  private state: SessionState = { kind: 'notAuthenticated' };
  readonly mode = new SessionMode();
  private secure: boolean;
  private readonly loopback: boolean;
  private authFailures = 0;
  private readonly loginGuard: LoginGuard;
  /** A command is running (and not just waiting for the client, as IDLE does). */
  private busy = false;
  private savedSearch: number[] | null = null;
  private closing = false;
  /** Set by shutdown(): no new command starts; the one running finishes first. */
  private stopping = false;
  /** The command being executed (settles after its tagged answer), and whether it waits for the client. */
  private running: Promise<void> | null = null;
  private awaitingClient = false;
  private afterTagged: Array<() => Promise<void> | void> = [];
  private readonly updates: SelectedUpdates;
  private readonly unsubscribe: () => void;
  private readonly log: Logger;
  private readonly literalPolicy: (info: LiteralInfo) => LiteralDecision;
  private readonly highWater: number;
  private detachInput: () => void = () => undefined;
  /** Where client bytes come from: the socket, or the inflater once COMPRESS is on. */
  private input!: Readable;
  private compression: CompressionLayer | null = null;
  private cachedContext: CommandContext | null = null;
  /** Resolves when the connection is closed and the session cleaned up. */
  readonly closed: Promise<void>;
  private resolveClosed!: () => void;

  constructor(
    socket: Socket,
    private readonly deps: SessionDeps,
    options: { readonly secure: boolean },
  ) {
    this.socket = socket;
    this.raw = socket;
    this.secure = options.secure;
    this.loopback = isLoopback(socket.remoteAddress);
    this.log = deps.logger.child({ peer: `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? '?'}` });
    this.literalPolicy = defaultLiteralPolicy(deps.limits);
    this.loginGuard = new LoginGuard({
      throttle: deps.throttle ?? null,
      connections: deps.connections ?? null,
      peer: socket.remoteAddress ?? '?',
      protocol: 'imap',
      logger: deps.logger,
    });
    this.highWater = deps.limits.maxReadAheadBytes;
    this.writer = new ResponseWriter(socket, { utf8: false, maxBuffered: deps.limits.maxOutputBufferBytes });
    this.closed = new Promise((resolve) => (this.resolveClosed = resolve));
    this.attachInput(socket);
    socket.on('error', (err) => this.log.debug({ err }, 'socket error'));
    socket.once('close', () => this.cleanup());
    socket.on('timeout', () => void this.autologout());
    this.applyTimeout();
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const session = this;
    this.updates = new SelectedUpdates({
      store: deps.store,
      mode: this.mode,
      log: this.log,
      get state() {
        return session.state;
      },
      get closing() {
        return session.closing;
      },
      untagged: (parts) => this.writer.untagged(parts),
      bye: (text) => this.bye(null, text),
    });
    this.unsubscribe = deps.store.onChange((mailboxId, modseq) => this.updates.onStoreChange(mailboxId, modseq));
  }

  /** Sends the greeting and serves commands until the connection ends. */
  start(): void {
    void this.serve().catch((err: unknown) => {
      this.log.error({ err }, 'session failed');
      this.destroy();
    });
  }

  /** Server shutdown: `* BYE`, then close. */
  async shutdown(reason: string): Promise<void> {
    this.stopping = true;
    // A command at work (an APPEND storing its message) finishes and gets its tagged answer first;
    // one that waits for the client (AUTHENTICATE, IDLE) does not hold the shutdown up. The server's
    // hard deadline (postkeep serve --shutdown-timeout) bounds the wait.
    if (this.running && !this.awaitingClient) await this.running.catch(() => undefined);
    if (!this.closing) {
      this.closing = true;
      await withTimeout(this.writer.bye('UNAVAILABLE', reason), 1000);
      this.end();
    }
    await this.closed;
  }

  // ---- input ----

  private attachInput(socket: Readable): void {
    this.input = socket;
    const reader = new CommandReader(this.deps.limits, {
      onLiteral: (info) => this.onLiteral(info),
      continuation: () => void this.writer.continuation('Ready for literal').catch(() => undefined),
    });
    this.reader = reader;
    this.detachInput = feedReader(socket, reader, this.highWater);
  }

  private onLiteral(info: LiteralInfo): LiteralDecision {
    // No message literals from a peer that has not logged in (RFC 9051 §6.3.12 needs authentication).
    if (this.state.kind === 'notAuthenticated' && info.command === 'APPEND') {
      return { status: 'BAD', code: null, text: 'APPEND is not valid in the not authenticated state' };
    }
    return this.literalPolicy(info);
  }

  /** Reads with the socket flowing: the reader only consumes while someone waits. */
  private read<T>(fn: (r: CommandReader) => Promise<T>): Promise<T> {
    if (this.input.isPaused()) this.input.resume();
    return fn(this.reader);
  }

  // ---- the loop ----

  private async serve(): Promise<void> {
    await this.writer.untagged([new Atom('OK'), new Atom(`[CAPABILITY ${this.capabilities().join(' ')}] Postkeep ready.`)]);
    while (!this.closing && !this.stopping) {
      const next = await this.read((r) => r.next());
      if (next === null) break;
      if (this.stopping) return; // shutdown() says BYE; a command that arrives now is not started
      if ('kind' in next) await this.readerError(next);
      else {
        this.running = this.execute(next);
        try {
          await this.running;
        } finally {
          this.running = null;
        }
      }
      if (this.state.kind === 'logout') {
        this.end();
        break;
      }
    }
    if (!this.stopping) this.end(); // else shutdown() sends BYE, then ends
  }

  private async readerError(err: ReaderError): Promise<void> {
    if (err.tag) await this.writer.tagged(err.tag, err.status, err.code, err.text);
    else await this.writer.untagged([new Atom(err.status), new Atom(err.code ? `[${err.code}] ${err.text}` : err.text)]);
    if (err.fatal) await this.bye(null, 'Too much invalid input; closing');
  }

  private async execute(request: Request): Promise<void> {
    let cmd: Command;
    try {
      cmd = parseCommand(request, this.deps.limits.maxNesting);
    } catch (err) {
      if (!(err instanceof ParseError)) throw err;
      if (this.state.kind === 'notAuthenticated' && looksLikeOtherProtocol(request)) {
        await this.bye(null, 'This is an IMAP server');
        return;
      }
      if (err.tag) await this.writer.tagged(err.tag, 'BAD', null, err.message);
      else await this.writer.untagged([new Atom('BAD'), new Atom(err.message)]);
      return;
    }
    const module = commandModule(cmd.name);
    const display = 'uid' in cmd && cmd.uid ? `UID ${cmd.name}` : cmd.name;
    if (!module) {
      await this.writer.tagged(cmd.tag, 'BAD', null, `${display} is not supported`);
      return;
    }
    if (!module.states.includes(this.state.kind)) {
      await this.writer.tagged(cmd.tag, 'BAD', null, `${display} is not valid in the ${STATE_TEXT[this.state.kind]} state`);
      return;
    }
    // RFC 9051 §7.5.1: no EXPUNGE during or right after a command that uses sequence numbers.
    const allowExpunge = !(module as CommandModule).usesSequenceNumbers(cmd as never);
    let status: 'OK' | 'NO' | 'BAD' = 'OK';
    let code: string | null = null;
    let text = `${display} completed`;
    this.busy = true;
    try {
      const result = await module.run(cmd as never, this.commandContext);
      if (result?.code !== undefined) code = result.code;
      if (result?.text !== undefined) text = result.text;
    } catch (err) {
      if (this.closing) return;
      const d = describeError(err);
      if (d.serverBug) this.log.error({ err, command: display }, 'command failed');
      ({ status, code, text } = d);
    } finally {
      this.busy = false;
    }
    if (this.closing) return;
    await this.updates.send(allowExpunge);
    // With more input already waiting (a pipelining client) the tagged line leaves with the next answers.
    await this.writer.tagged(cmd.tag, status, code, text, this.reader.bufferedBytes > 0);
    const actions = this.afterTagged;
    this.afterTagged = [];
    for (const action of actions) await action();
    if (this.authFailures >= this.deps.limits.maxAuthFailures) await this.bye(null, 'Too many failed authentication attempts');
  }

  // ---- what commands see ----

  private capabilities(): string[] {
    return capabilityList(commandModules, {
      state: this.state.kind,
      secure: this.secure,
      starttls: !this.secure,
      plaintextAuthAllowed: this.plaintextAuthAllowed(),
      appendLimit: this.deps.limits.maxMessageBytes,
      quotaSet: isAdmin(this.state, this.deps.admins),
    });
  }

  private plaintextAuthAllowed(): boolean {
    const p = this.deps.plaintextAuth;
    return this.secure || p === 'always' || (p === 'loopback' && this.loopback);
  }

  /** One context for the session's life: every field reads the session live (getters, closures). */
  private get commandContext(): CommandContext {
    this.cachedContext ??= this.context();
    return this.cachedContext;
  }

  private context(): CommandContext {
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const session = this;
    return commandContext({
      store: this.deps.store,
      limits: this.deps.limits,
      admins: this.deps.admins ?? [],
      log: this.log,
      mode: this.mode,
      get state() {
        return session.state;
      },
      setState: (state) => this.setState(state),
      get secure() {
        return session.secure;
      },
      plaintextAuthAllowed: () => this.plaintextAuthAllowed(),
      get savedSearch() {
        return session.savedSearch;
      },
      set savedSearch(v) {
        session.savedSearch = v;
      },
      untagged: (parts) => this.writer.untagged(parts),
      continuation: (text) => this.writer.continuation(text),
      readLine: async () => {
        // Waiting for the client is idleness again (AUTHENTICATE, IDLE): the timeout applies.
        this.busy = false;
        this.awaitingClient = true;
        try {
          return await this.read((r) => r.nextLine());
        } finally {
          this.busy = true;
          this.awaitingClient = false;
        }
      },
      enable: (cap) => {
        const turnedOn = this.mode.enable(cap);
        if (turnedOn && this.mode.utf8Names) this.writer.setUtf8(true); // RFC 9051 §4.3, RFC 6855 §3: UTF-8 in quoted strings
        return turnedOn;
      },
      capabilities: () => this.capabilities(),
      authFailed: () => {
        this.authFailures++;
      },
      loginGuard: this.loginGuard,
      afterTagged: (action) => {
        this.afterTagged.push(action);
      },
      upgradeToTls: () => this.upgradeToTls(),
      get compressed() {
        return session.compression !== null;
      },
      startCompression: () => this.startCompression(),
      refresh: (allowExpunge) => this.updates.send(allowExpunge, true),
      setIdling: (on) => this.updates.setIdling(on),
      unauthenticate: () => {
        // RFC 8437 §3, §4: reset everything but TLS and compression; CONDSTORE/QRESYNC, UTF-8 off again.
        this.mode.enabled.clear();
        this.writer.setUtf8(false);
        this.savedSearch = null;
        this.authFailures = 0;
        this.loginGuard.releaseUser();
        this.setState({ kind: 'notAuthenticated' });
        this.applyTimeout();
      },
    });
  }

  private setState(state: SessionState): void {
    const wasAuthenticated = this.state.kind !== 'notAuthenticated';
    this.state = state;
    this.updates.reset();
    if (!wasAuthenticated && state.kind !== 'notAuthenticated') this.applyTimeout();
  }

  /** RFC 9051 §6.2.1: after the tagged OK, TLS on the same socket; plaintext read ahead is dropped. */
  private async upgradeToTls(): Promise<void> {
    this.detachInput();
    this.writer.flush(); // the tagged OK goes out in plaintext, before TLS takes the socket
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

  /** RFC 4978 §3: after the tagged OK, DEFLATE both ways, over TLS when TLS is on. */
  private startCompression(): void {
    this.detachInput();
    this.writer.flush(); // the tagged OK goes out uncompressed (RFC 4978 §3)
    const layer = startCompression(this.socket, (err) => {
      this.log.debug({ err }, 'compression error');
      this.destroy();
    });
    this.compression = layer;
    this.writer.setOutput(layer.output);
    this.attachInput(layer.input);
  }

  // ---- ending ----

  private applyTimeout(): void {
    const l = this.deps.limits;
    this.raw.setTimeout(this.state.kind === 'notAuthenticated' ? l.idleTimeoutUnauthenticatedMs : l.idleTimeoutAuthenticatedMs);
  }

  private async autologout(): Promise<void> {
    // The timeout counts the client's silence, not our own work (a slow SEARCH, a password hash).
    if (this.busy) return;
    await this.bye(null, 'Autologout; idle for too long');
  }

  /** `* BYE text` and close (RFC 9051 §7.1.5). */
  private async bye(code: string | null, text: string): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    await withTimeout(this.writer.bye(code, text), 1000);
    this.end();
  }

  private end(): void {
    this.closing = true;
    this.state = { kind: 'logout' };
    // Through the compressor when there is one, so that its last bytes (BYE) go out before the end.
    if (!this.socket.destroyed) (this.compression?.output ?? this.socket).end();
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
    this.resolveClosed();
  }
}

async function withTimeout(p: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([p.catch(() => undefined), new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)))]);
  clearTimeout(timer);
}
