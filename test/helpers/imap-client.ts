// A small raw IMAP client for transcript tests: sends lines and literals exactly as written, reads
// responses by byte count (literals included), keeps a log of the whole exchange so that a failing
// assertion can show what was said.
import { connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect, type TLSSocket } from 'node:tls';

/** One server response: a line, with any literals it announced read in full. */
export interface Response {
  /** The response as a string (UTF-8), literals inlined as `{n}\r\n<bytes>`, without the final CRLF. */
  readonly text: string;
  /** The same as bytes. */
  readonly raw: Buffer;
  /** The literal payloads in order. */
  readonly literals: readonly Buffer[];
  /** '*' (untagged), '+' (continuation) or the tag. */
  readonly tag: string;
}

export interface TaggedResult {
  readonly tag: string;
  readonly status: string;
  /** The tagged line, e.g. `a1 OK [READ-WRITE] SELECT completed`. */
  readonly tagged: string;
  /** Text of the tagged line after the status, e.g. `[READ-WRITE] SELECT completed`. */
  readonly text: string;
  /** Untagged responses received while the command ran (in order). */
  readonly untagged: readonly Response[];
  /** Their texts, for quick matching. */
  readonly lines: readonly string[];
  /** Continuation requests received while the command ran (e.g. from synchronizing literals). */
  readonly continuations: readonly string[];
}

export interface Literal {
  readonly literal: Buffer | string;
  /** `{n+}` (LITERAL+, RFC 7888): sent without waiting for `+`. */
  readonly nonSync?: boolean;
  /** `~{n}` (BINARY, RFC 3516). */
  readonly binary?: boolean;
}
export type Part = string | Literal;

export interface ConnectOptions {
  readonly host?: string;
  readonly port: number;
  /** Implicit TLS (self-signed certificate accepted). */
  readonly tls?: boolean;
  /** Per-wait timeout in ms (default 10 s). */
  readonly timeoutMs?: number;
  /** Name used in failure messages ("A", "B"). */
  readonly name?: string;
}

export class ImapClientError extends Error {}

function literalBytes(l: Literal): Buffer {
  return typeof l.literal === 'string' ? Buffer.from(l.literal, 'utf8') : l.literal;
}

function show(buf: Buffer, max = 400): string {
  const s = buf.toString('utf8');
  return s.length > max ? `${s.slice(0, max)}…(${buf.length} bytes)` : s;
}

export class ImapClient {
  private socket: Socket | TLSSocket;
  private buffer: Buffer = Buffer.alloc(0);
  private queue: Response[] = [];
  private waiters: Array<() => void> = [];
  private ended = false;
  private endError: Error | null = null;
  private tagCounter = 0;
  private readonly onData = (chunk: Buffer): void => {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    this.parse();
  };
  readonly log: string[] = [];
  readonly timeoutMs: number;
  readonly name: string;
  /** Resolves when the server closed the connection. */
  readonly closed: Promise<void>;
  private resolveClosed!: () => void;
  greeting = '';

  private constructor(socket: Socket | TLSSocket, timeoutMs: number, name: string) {
    this.socket = socket;
    this.timeoutMs = timeoutMs;
    this.name = name;
    this.closed = new Promise((resolve) => (this.resolveClosed = resolve));
    this.attach(socket);
  }

  private attach(socket: Socket | TLSSocket): void {
    socket.on('data', this.onData);
    socket.on('error', (err) => {
      this.endError = err;
    });
    socket.on('close', () => {
      this.ended = true;
      this.resolveClosed();
      this.wake();
    });
  }

  static async connect(opts: ConnectOptions): Promise<ImapClient> {
    const host = opts.host ?? '127.0.0.1';
    const socket = await new Promise<Socket | TLSSocket>((resolve, reject) => {
      const s: Socket | TLSSocket = opts.tls
        ? tlsConnect({ host, port: opts.port, rejectUnauthorized: false }, () => resolve(s))
        : netConnect({ host, port: opts.port }, () => resolve(s));
      s.once('error', reject);
    });
    const client = new ImapClient(socket, opts.timeoutMs ?? 10_000, opts.name ?? 'C');
    const greeting = await client.next();
    client.greeting = greeting.text;
    return client;
  }

  get isClosed(): boolean {
    return this.ended;
  }

  get encrypted(): boolean {
    return 'encrypted' in this.socket && this.socket.encrypted === true;
  }

  nextTag(): string {
    this.tagCounter += 1;
    return `t${this.tagCounter}`;
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  /** Splits the buffer into responses; a line ending in {n} continues after n bytes. */
  private parse(): void {
    for (;;) {
      let pos = 0;
      const literals: Buffer[] = [];
      let complete = false;
      for (;;) {
        const lf = this.buffer.indexOf(0x0a, pos);
        if (lf < 0) break;
        const lineEnd = lf > 0 && this.buffer[lf - 1] === 0x0d ? lf - 1 : lf;
        const line = this.buffer.subarray(pos, lineEnd).toString('latin1');
        const m = /\{(\d+)\}$/.exec(line);
        if (m) {
          const n = Number(m[1]);
          if (this.buffer.length < lf + 1 + n) break;
          literals.push(Buffer.from(this.buffer.subarray(lf + 1, lf + 1 + n)));
          pos = lf + 1 + n;
          continue;
        }
        const raw = Buffer.from(this.buffer.subarray(0, lineEnd));
        this.buffer = this.buffer.subarray(lf + 1);
        const text = raw.toString('utf8');
        const sp = text.indexOf(' ');
        const tag = sp < 0 ? text : text.slice(0, sp);
        this.queue.push({ text, raw, literals, tag });
        this.log.push(`${this.name} S: ${show(raw)}`);
        complete = true;
        break;
      }
      if (!complete) break;
    }
    this.wake();
  }

  private exchange(): string {
    return this.log.slice(-60).join('\n');
  }

  /** The next response (waits up to the timeout). */
  async next(timeoutMs = this.timeoutMs): Promise<Response> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const r = this.queue.shift();
      if (r) return r;
      if (this.ended) {
        throw new ImapClientError(`${this.name}: connection closed while waiting for a response${this.endError ? ` (${this.endError.message})` : ''}\n${this.exchange()}`);
      }
      const left = deadline - Date.now();
      if (left <= 0) throw new ImapClientError(`${this.name}: no response within ${timeoutMs} ms\n${this.exchange()}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** Responses already received and not yet consumed. */
  drain(): Response[] {
    const q = this.queue;
    this.queue = [];
    return q;
  }

  /** Waits for a response matching `pred`; earlier non-matching responses are returned in `skipped`. */
  async waitFor(pred: (r: Response) => boolean, timeoutMs = this.timeoutMs): Promise<{ match: Response; skipped: Response[] }> {
    const deadline = Date.now() + timeoutMs;
    const skipped: Response[] = [];
    for (;;) {
      const left = deadline - Date.now();
      if (left <= 0) throw new ImapClientError(`${this.name}: expected response not seen within ${timeoutMs} ms\n${this.exchange()}`);
      let r: Response;
      try {
        r = await this.next(left);
      } catch (e) {
        throw e instanceof ImapClientError ? new ImapClientError(`${this.name}: expected response not seen within ${timeoutMs} ms: ${e.message}`) : e;
      }
      if (pred(r)) return { match: r, skipped };
      skipped.push(r);
    }
  }

  /** Writes raw bytes. */
  write(data: Buffer | string): void {
    const buf = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    this.log.push(`${this.name} C: ${show(buf).replace(/\r\n$/, '')}`);
    this.socket.write(buf);
  }

  /** Writes one line (CRLF added). */
  sendLine(line: string): void {
    this.write(`${line}\r\n`);
  }

  /**
   * Sends a command made of parts (strings and literals); waits for `+` before each synchronizing
   * literal. Returns the responses that came before each `+` (normally none) and stops early, with
   * `aborted` set, when the server answers the tag instead of `+` (e.g. NO [TOOBIG]).
   */
  async sendParts(tag: string, parts: readonly Part[]): Promise<{ early: Response[]; continuations: string[]; aborted: Response | null }> {
    const early: Response[] = [];
    const continuations: string[] = [];
    let pending = '';
    for (const part of parts) {
      if (typeof part === 'string') {
        pending += part;
        continue;
      }
      const bytes = literalBytes(part);
      pending += `${part.binary ? '~' : ''}{${bytes.length}${part.nonSync ? '+' : ''}}\r\n`;
      if (part.nonSync) {
        this.write(Buffer.concat([Buffer.from(pending, 'utf8'), bytes]));
        pending = '';
        continue;
      }
      this.write(pending);
      pending = '';
      for (;;) {
        const r = await this.next();
        if (r.tag === '+') {
          continuations.push(r.text);
          break;
        }
        if (r.tag === tag) {
          this.queue.unshift(r);
          return { early, continuations, aborted: r };
        }
        early.push(r);
      }
      this.write(bytes);
    }
    this.write(`${pending}\r\n`);
    return { early, continuations, aborted: null };
  }

  /** Reads until the tagged response for `tag`. */
  async readTagged(tag: string, timeoutMs = this.timeoutMs): Promise<TaggedResult> {
    const untagged: Response[] = [];
    const continuations: string[] = [];
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const r = await this.next(Math.max(1, deadline - Date.now()));
      if (r.tag === tag) {
        const m = /^\S+ (\S+) ?(.*)$/s.exec(r.text);
        return {
          tag,
          status: (m?.[1] ?? '').toUpperCase(),
          tagged: r.text,
          text: m?.[2] ?? '',
          untagged,
          lines: untagged.map((u) => u.text),
          continuations,
        };
      }
      if (r.tag === '+') continuations.push(r.text);
      else untagged.push(r);
    }
  }

  /**
   * Runs one command: `cmd('SELECT INBOX')` or with literals `cmd(['APPEND INBOX ', { literal }])`.
   * A tag is added in front.
   */
  async cmd(command: string | readonly Part[], timeoutMs = this.timeoutMs): Promise<TaggedResult> {
    const tag = this.nextTag();
    return this.tagged(tag, command, timeoutMs);
  }

  /** Like cmd with an explicit tag. */
  async tagged(tag: string, command: string | readonly Part[], timeoutMs = this.timeoutMs): Promise<TaggedResult> {
    const parts = typeof command === 'string' ? [command] : command;
    const sent = await this.sendParts(tag, [`${tag} `, ...parts]);
    const result = await this.readTagged(tag, timeoutMs);
    return {
      ...result,
      untagged: [...sent.early, ...result.untagged],
      lines: [...sent.early.map((r) => r.text), ...result.lines],
      continuations: [...sent.continuations, ...result.continuations],
    };
  }

  /** Like cmd but fails the test unless the tagged status is OK. */
  async ok(command: string | readonly Part[], timeoutMs = this.timeoutMs): Promise<TaggedResult> {
    const r = await this.cmd(command, timeoutMs);
    if (r.status !== 'OK') throw new ImapClientError(`${this.name}: expected OK for ${typeof command === 'string' ? command : '(command with literals)'}, got: ${r.tagged}\n${this.exchange()}`);
    return r;
  }

  /** STARTTLS: sends the command and, on OK, negotiates TLS on the same socket. */
  async startTls(): Promise<TaggedResult> {
    const r = await this.cmd('STARTTLS');
    if (r.status !== 'OK') return r;
    const plain = this.socket;
    plain.removeListener('data', this.onData);
    plain.removeAllListeners('close');
    if (this.buffer.length > 0) throw new ImapClientError(`${this.name}: server sent data after STARTTLS OK before the TLS handshake: ${show(this.buffer)}`);
    const secure = await new Promise<TLSSocket>((resolve, reject) => {
      const s = tlsConnect({ socket: plain as Socket, rejectUnauthorized: false }, () => resolve(s));
      s.once('error', reject);
    });
    this.socket = secure;
    this.attach(secure);
    this.log.push(`${this.name} -- TLS established`);
    return r;
  }

  /** LOGIN with quoted strings. */
  async login(user: string, password: string): Promise<TaggedResult> {
    return this.ok(`LOGIN ${quote(user)} ${quote(password)}`);
  }

  /** Last lines of the exchange, for assertion messages. */
  transcript(lines = 60): string {
    return this.log.slice(-lines).join('\n');
  }

  /** LOGOUT if still connected, then destroys the socket. Never throws. */
  async close(): Promise<void> {
    if (!this.ended) {
      try {
        const tag = this.nextTag();
        this.sendLine(`${tag} LOGOUT`);
        await Promise.race([this.closed, new Promise((r) => setTimeout(r, 2000).unref())]);
      } catch {
        // the connection may already be unusable
      }
    }
    this.socket.destroy();
  }

  /** Destroys the socket without LOGOUT. */
  destroy(): void {
    this.socket.destroy();
  }
}

/** IMAP quoted string. */
export function quote(s: string): string {
  return `"${s.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

/** Parses the attributes of `* n FETCH (...)` into a flat map of item name -> raw value text (top level only). */
export function parseFetch(r: Response): { seq: number; items: Map<string, string>; literals: Map<string, Buffer> } | null {
  const m = /^\* (\d+) FETCH \(/i.exec(r.text);
  if (!m) return null;
  const items = new Map<string, string>();
  const literals = new Map<string, Buffer>();
  const s = r.raw;
  let i = Buffer.byteLength(m[0], 'latin1');
  let litIndex = 0;
  const skipSpaces = (): void => {
    while (i < s.length && s[i] === 0x20) i++;
  };
  // item name: up to a space, but brackets may contain spaces (BODY[HEADER.FIELDS (A B)]<0>)
  while (i < s.length && s[i] !== 0x29 /* ) */) {
    skipSpaces();
    let depth = 0;
    const start = i;
    while (i < s.length) {
      const c = s[i];
      if (c === 0x5b) depth++;
      else if (c === 0x5d) depth--;
      else if (c === 0x20 && depth === 0) break;
      i++;
    }
    const name = s.subarray(start, i).toString('latin1').toUpperCase();
    skipSpaces();
    const vstart = i;
    // value: atom, quoted, (list), or {n}\r\n literal, or NIL
    const c = s[i];
    if (c === 0x28) {
      let d = 0;
      let inQuote = false;
      while (i < s.length) {
        const ch = s[i];
        if (inQuote) {
          if (ch === 0x5c) i++;
          else if (ch === 0x22) inQuote = false;
        } else if (ch === 0x22) inQuote = true;
        else if (ch === 0x28) d++;
        else if (ch === 0x29) {
          d--;
          if (d === 0) {
            i++;
            break;
          }
        } else if (ch === 0x7b) {
          // literal inside a list
          const close = s.indexOf(0x7d, i);
          const n = Number(s.subarray(i + 1, close).toString('latin1'));
          if (Number.isFinite(n) && s[close + 1] === 0x0d) {
            i = close + 3 + n;
            litIndex++;
            continue;
          }
        }
        i++;
      }
      items.set(name, s.subarray(vstart, i).toString('utf8'));
    } else if (c === 0x22) {
      i++;
      while (i < s.length && s[i] !== 0x22) {
        if (s[i] === 0x5c) i++;
        i++;
      }
      i++;
      items.set(name, s.subarray(vstart, i).toString('utf8'));
    } else if (c === 0x7b || (c === 0x7e && s[i + 1] === 0x7b)) {
      const close = s.indexOf(0x7d, i);
      const n = Number(s.subarray(c === 0x7e ? i + 2 : i + 1, close).toString('latin1'));
      const data = r.literals[litIndex] ?? Buffer.alloc(0);
      litIndex++;
      literals.set(name, data);
      items.set(name, data.toString('utf8'));
      i = close + 3 + n;
    } else {
      while (i < s.length && s[i] !== 0x20 && s[i] !== 0x29) i++;
      items.set(name, s.subarray(vstart, i).toString('utf8'));
    }
  }
  return { seq: Number(m[1]), items, literals };
}
