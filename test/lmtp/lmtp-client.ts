// A minimal LMTP client for tests: sends lines, reads (multi-line) replies, and after DATA reads one
// reply per accepted recipient (RFC 2033 §4.2). Every wait is bounded.
import { connect, type Socket } from 'node:net';

export interface Reply {
  readonly code: number;
  /** Every line without the code and separator, joined by "\n". */
  readonly text: string;
  /** The last line as sent, e.g. "250 2.0.0 <a@b> delivered (UID 1)". */
  readonly line: string;
}

export class LmtpClient {
  private buffer = '';
  private waiters: Array<() => void> = [];
  private closed = false;
  readonly log: string[] = [];

  private constructor(private readonly socket: Socket, private readonly timeoutMs: number) {
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      this.buffer += chunk;
      this.wake();
    });
    socket.on('close', () => {
      this.closed = true;
      this.wake();
    });
    socket.on('error', () => undefined);
  }

  static async open(port: number, timeoutMs = 10_000): Promise<LmtpClient> {
    const socket = connect({ host: '127.0.0.1', port });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    return new LmtpClient(socket, timeoutMs);
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }

  private async line(): Promise<string> {
    const deadline = Date.now() + this.timeoutMs;
    for (;;) {
      const end = this.buffer.indexOf('\r\n');
      if (end >= 0) {
        const line = this.buffer.slice(0, end);
        this.buffer = this.buffer.slice(end + 2);
        this.log.push(`S: ${line}`);
        return line;
      }
      if (this.closed) throw new Error(`connection closed; exchange:\n${this.log.join('\n')}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no reply within ${this.timeoutMs} ms; exchange:\n${this.log.join('\n')}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  async reply(): Promise<Reply> {
    const texts: string[] = [];
    for (;;) {
      const line = await this.line();
      const m = /^(\d{3})([ -])(.*)$/.exec(line);
      if (!m) throw new Error(`not a reply line: ${JSON.stringify(line)}`);
      texts.push(m[3] ?? '');
      if (m[2] === ' ') return { code: Number(m[1]), text: texts.join('\n'), line };
    }
  }

  async command(line: string): Promise<Reply> {
    this.log.push(`C: ${line}`);
    this.socket.write(line + '\r\n');
    return this.reply();
  }

  /** Sends DATA and the message (dot-stuffed, CRLF), then reads `replies` replies. */
  async data(message: string | Buffer, replies: number): Promise<{ start: Reply; replies: Reply[] }> {
    const start = await this.command('DATA');
    if (start.code !== 354) return { start, replies: [] };
    let text = (typeof message === 'string' ? message : message.toString('latin1')).replace(/\r?\n/g, '\r\n');
    if (!text.endsWith('\r\n')) text += '\r\n';
    text = text.replace(/^\./gm, '..');
    this.log.push(`C: <${text.length} bytes>`);
    this.socket.write(Buffer.from(text + '.\r\n', 'latin1'));
    const out: Reply[] = [];
    for (let i = 0; i < replies; i++) out.push(await this.reply());
    return { start, replies: out };
  }

  async close(): Promise<void> {
    if (!this.closed) {
      try {
        await this.command('QUIT');
      } catch {
        // already gone
      }
    }
    this.socket.destroy();
  }
}
