// A small IMAP client for load generation: raw socket, responses framed by CRLF with literals read
// by their byte count ({n} / {n+}), tagged replies matched to the command that sent them, so that
// several commands may be in flight at once (pipelining). Literal contents are counted, not kept.
import { connect, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';

export interface Endpoint {
  readonly host: string;
  readonly port: number;
}

export interface Reply {
  readonly status: 'OK' | 'NO' | 'BAD';
  readonly text: string;
  readonly ms: number;
  /** Untagged responses received while this command was in flight. */
  readonly untagged: number;
  /** Bytes received while this command was in flight (lines and literals). */
  readonly bytes: number;
  /** Literal bytes received while this command was in flight. */
  readonly literalBytes: number;
}

interface Pending {
  readonly started: number;
  readonly untagged0: number;
  readonly bytes0: number;
  readonly literal0: number;
  readonly resolve: (reply: Reply) => void;
  readonly reject: (err: Error) => void;
  readonly command: string;
}

export class ImapError extends Error {}

export class ImapClient {
  private rest: Buffer = Buffer.alloc(0);
  private partial = '';
  private literalLeft = 0;
  private nextTag = 1;
  private readonly pending = new Map<string, Pending>();
  private readonly continuations: Array<() => void> = [];
  private greeting: ((line: string) => void) | undefined;
  private closedError: Error | undefined;
  private bytesIn = 0;
  private literalIn = 0;
  /** Literal bytes received on this connection so far, each counted once (a reply's literalBytes
   *  also counts those of other commands' responses that arrived while it was pending). */
  get literalBytesIn(): number {
    return this.literalIn;
  }
  private untaggedIn = 0;
  /** Called for every untagged response line (without its literals), e.g. to watch for EXISTS. */
  onUntagged: ((line: string) => void) | undefined;

  private constructor(private readonly socket: Socket) {
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (err) => this.fail(err));
    socket.on('close', () => this.fail(new ImapError('connection closed')));
  }

  /** Connects and waits for the greeting (bounded by timeoutMs). */
  static async connect(endpoint: Endpoint, timeoutMs = 30_000): Promise<ImapClient> {
    const socket = connect({ host: endpoint.host, port: endpoint.port });
    const client = new ImapClient(socket);
    await withTimeout(
      new Promise<void>((resolve, reject) => {
        client.greeting = (line) => (line.startsWith('* OK') || line.startsWith('* PREAUTH') ? resolve() : reject(new ImapError(`greeting: ${line.trim()}`)));
        socket.once('error', reject);
        socket.once('close', () => reject(new ImapError('closed before the greeting')));
      }),
      timeoutMs,
      'greeting',
    ).catch((err: unknown) => {
      socket.destroy();
      throw err;
    });
    return client;
  }

  get receivedBytes(): number {
    return this.bytesIn;
  }

  /** Sends one command line and resolves with its tagged reply (rejects on NO/BAD unless allowed). */
  command(text: string, options: { allowNo?: boolean; literal?: Buffer } = {}): Promise<Reply> {
    if (this.closedError) return Promise.reject(this.closedError);
    const tag = `t${this.nextTag++}`;
    const promise = new Promise<Reply>((resolve, reject) => {
      this.pending.set(tag, {
        started: performance.now(),
        untagged0: this.untaggedIn,
        bytes0: this.bytesIn,
        literal0: this.literalIn,
        resolve,
        reject,
        command: text,
      });
    }).then((reply) => {
      if (reply.status !== 'OK' && !options.allowNo) throw new ImapError(`${text.slice(0, 60)} -> ${reply.status} ${reply.text}`);
      return reply;
    });
    if (options.literal) {
      // LITERAL+ (RFC 7888), advertised by both servers: no round trip before the bytes.
      this.socket.write(`${tag} ${text} {${options.literal.length}+}\r\n`);
      this.socket.write(options.literal);
      this.socket.write('\r\n');
    } else {
      this.socket.write(`${tag} ${text}\r\n`);
    }
    return promise;
  }

  login(user: string, password: string): Promise<Reply> {
    return this.command(`LOGIN ${quote(user)} ${quote(password)}`);
  }

  append(mailbox: string, message: Buffer, flags: readonly string[] = []): Promise<Reply> {
    return this.command(`APPEND ${quote(mailbox)} (${flags.join(' ')})`, { literal: message });
  }

  /** Starts IDLE; resolves once the server sent its continuation. `done()` ends it. */
  async idle(timeoutMs = 30_000): Promise<{ done: () => Promise<Reply> }> {
    const continued = new Promise<void>((resolve) => this.continuations.push(resolve));
    const finished = this.command('IDLE');
    finished.catch(() => {});
    await withTimeout(Promise.race([continued, finished.then(() => Promise.reject(new ImapError('IDLE ended before +')))]), timeoutMs, 'IDLE continuation');
    return {
      done: () => {
        this.socket.write('DONE\r\n');
        return finished;
      },
    };
  }

  async logout(): Promise<void> {
    try {
      await withTimeout(this.command('LOGOUT', { allowNo: true }), 5000, 'LOGOUT');
    } catch {
      // a server that closes first is fine
    }
    this.socket.destroy();
  }

  close(): void {
    this.socket.destroy();
  }

  private fail(err: Error): void {
    if (this.closedError) return;
    this.closedError = err;
    for (const p of this.pending.values()) p.reject(new ImapError(`${p.command.slice(0, 60)}: ${err.message}`));
    this.pending.clear();
  }

  private onData(chunk: Buffer): void {
    this.bytesIn += chunk.length;
    const data = this.rest.length > 0 ? Buffer.concat([this.rest, chunk]) : chunk;
    let i = 0;
    while (i < data.length) {
      if (this.literalLeft > 0) {
        const take = Math.min(this.literalLeft, data.length - i);
        this.literalLeft -= take;
        this.literalIn += take;
        i += take;
        continue;
      }
      const lf = data.indexOf(10, i);
      if (lf < 0) break;
      const line = data.toString('latin1', i, lf + 1);
      i = lf + 1;
      const literal = /\{(\d+)\+?\}\r?\n$/.exec(line);
      if (literal) {
        this.partial += line.slice(0, literal.index) + '{}';
        this.literalLeft = Number(literal[1]);
        continue;
      }
      const response = this.partial + line;
      this.partial = '';
      this.onResponse(response);
    }
    this.rest = i < data.length ? Buffer.from(data.subarray(i)) : Buffer.alloc(0);
  }

  private onResponse(line: string): void {
    if (this.greeting) {
      const g = this.greeting;
      this.greeting = undefined;
      g(line);
      return;
    }
    if (line.startsWith('* ')) {
      this.untaggedIn++;
      this.onUntagged?.(line);
      return;
    }
    if (line.startsWith('+')) {
      this.continuations.shift()?.();
      return;
    }
    const space = line.indexOf(' ');
    const tag = line.slice(0, space);
    const p = this.pending.get(tag);
    if (!p) return;
    this.pending.delete(tag);
    const rest = line.slice(space + 1).trimEnd();
    const status = rest.slice(0, rest.indexOf(' ') < 0 ? rest.length : rest.indexOf(' '));
    p.resolve({
      status: status === 'OK' || status === 'NO' ? status : 'BAD',
      text: rest,
      ms: performance.now() - p.started,
      untagged: this.untaggedIn - p.untagged0,
      bytes: this.bytesIn - p.bytes0,
      literalBytes: this.literalIn - p.literal0,
    });
  }
}

export function quote(s: string): string {
  return `"${s.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

export async function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new ImapError(`${what}: no answer within ${ms} ms`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
