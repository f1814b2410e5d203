// A small POP3 test client: raw lines in, raw lines out, STLS, and byte-exact multi-line reads.
import { connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect, type TLSSocket } from 'node:tls';

export interface Pop3ConnectOptions {
  readonly port: number;
  /** Implicit TLS (self-signed certificate accepted). */
  readonly tls?: boolean;
  /** Per-wait timeout in ms (default 10 s). */
  readonly timeoutMs?: number;
}

export class Pop3Client {
  private socket: Socket | TLSSocket;
  private buffer: Buffer = Buffer.alloc(0);
  private waiter: (() => void) | null = null;
  private ended = false;
  readonly log: string[] = [];
  readonly closed: Promise<void>;
  private resolveClosed!: () => void;
  greeting = '';

  private constructor(
    socket: Socket | TLSSocket,
    private readonly timeoutMs: number,
  ) {
    this.socket = socket;
    this.closed = new Promise((resolve) => (this.resolveClosed = resolve));
    this.attach(socket);
  }

  static async connect(opts: Pop3ConnectOptions): Promise<Pop3Client> {
    const socket = await new Promise<Socket | TLSSocket>((resolve, reject) => {
      const s: Socket | TLSSocket = opts.tls
        ? tlsConnect({ host: '127.0.0.1', port: opts.port, rejectUnauthorized: false }, () => resolve(s))
        : netConnect({ host: '127.0.0.1', port: opts.port }, () => resolve(s));
      s.once('error', reject);
    });
    const c = new Pop3Client(socket, opts.timeoutMs ?? 10_000);
    c.greeting = await c.line();
    return c;
  }

  private attach(socket: Socket | TLSSocket): void {
    socket.on('data', (chunk: Buffer) => {
      this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
      this.wake();
    });
    socket.on('error', () => undefined);
    socket.on('close', () => {
      this.ended = true;
      this.resolveClosed();
      this.wake();
    });
  }

  private wake(): void {
    const w = this.waiter;
    this.waiter = null;
    w?.();
  }

  get isClosed(): boolean {
    return this.ended;
  }

  get encrypted(): boolean {
    return 'encrypted' in this.socket && this.socket.encrypted === true;
  }

  /** Waits until `find` locates an end offset in the buffer; returns and consumes the bytes up to it. */
  private async take(find: (buf: Buffer) => number, what: string): Promise<Buffer> {
    const deadline = Date.now() + this.timeoutMs;
    for (;;) {
      const end = find(this.buffer);
      if (end >= 0) {
        const out = this.buffer.subarray(0, end);
        this.buffer = this.buffer.subarray(end);
        return out;
      }
      if (this.ended) throw new Error(`connection closed while waiting for ${what}; log:\n${this.log.join('\n')}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timeout waiting for ${what}; log:\n${this.log.join('\n')}`);
      let timer: NodeJS.Timeout | undefined;
      await new Promise<void>((resolve) => {
        this.waiter = resolve;
        timer = setTimeout(resolve, left);
      });
      clearTimeout(timer);
    }
  }

  /** The next line, without CRLF. */
  async line(): Promise<string> {
    const raw = await this.take((b) => {
      const i = b.indexOf('\r\n');
      return i === -1 ? -1 : i + 2;
    }, 'a line');
    const text = raw.subarray(0, -2).toString('utf8');
    this.log.push(`S: ${text}`);
    return text;
  }

  /** The raw bytes of a multi-line body up to and including the ".CRLF" line (after the status line). */
  async rawMultiline(): Promise<Buffer> {
    return this.take((b) => {
      if (b.subarray(0, 3).equals(Buffer.from('.\r\n'))) return 3;
      const i = b.indexOf('\r\n.\r\n');
      return i === -1 ? -1 : i + 5;
    }, 'the end of a multi-line response');
  }

  /** Lines of a multi-line body, un-stuffed, without the terminator. */
  async multiline(): Promise<string[]> {
    const raw = await this.rawMultiline();
    const lines = raw.toString('utf8').split('\r\n').slice(0, -2);
    return lines.map((l) => (l.startsWith('.') ? l.slice(1) : l));
  }

  send(line: string): void {
    this.log.push(`C: ${line}`);
    this.socket.write(`${line}\r\n`);
  }

  sendRaw(bytes: string | Buffer): void {
    this.socket.write(bytes);
  }

  async cmd(line: string): Promise<string> {
    this.send(line);
    return this.line();
  }

  /** A command with a multi-line answer: the status line and, when +OK, the un-stuffed lines. */
  async multi(line: string): Promise<{ status: string; lines: string[] }> {
    const status = await this.cmd(line);
    return { status, lines: status.startsWith('+OK') ? await this.multiline() : [] };
  }

  async login(user: string, password: string): Promise<string> {
    const u = await this.cmd(`USER ${user}`);
    if (!u.startsWith('+OK')) throw new Error(`USER failed: ${u}`);
    const p = await this.cmd(`PASS ${password}`);
    if (!p.startsWith('+OK')) throw new Error(`PASS failed: ${p}`);
    return p;
  }

  /** Wraps the socket in TLS (after the server's +OK to STLS). */
  async startTls(): Promise<void> {
    const plain = this.socket as Socket;
    plain.removeAllListeners('data');
    plain.removeAllListeners('close');
    const secure = await new Promise<TLSSocket>((resolve, reject) => {
      const s = tlsConnect({ socket: plain, rejectUnauthorized: false }, () => resolve(s));
      s.once('error', reject);
    });
    this.socket = secure;
    this.attach(secure);
  }

  async quit(): Promise<string> {
    const r = await this.cmd('QUIT');
    await this.closed;
    return r;
  }

  close(): void {
    this.socket.destroy();
  }
}
