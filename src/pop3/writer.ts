// POP3 output with back-pressure: every write waits while the socket holds more than its high-water
// mark (or maxBuffered), so a client that does not read stalls its own session, not the server.
import type { Socket } from 'node:net';

/** The connection went away while we were writing. */
export class ConnectionClosedError extends Error {
  constructor() {
    super('connection closed');
    this.name = 'ConnectionClosedError';
  }
}

/** RFC 2449 §8 response codes used here (RFC 3206: AUTH, SYS/TEMP, SYS/PERM). */
export type RespCode = 'AUTH' | 'SYS/TEMP' | 'SYS/PERM' | 'IN-USE';

export class Pop3Writer {
  constructor(
    private socket: Socket,
    private readonly maxBuffered: number,
  ) {}

  setOutput(socket: Socket): void {
    this.socket = socket;
  }

  /** True while a write waits for the client to read (a stalled reader, for autologout). */
  blocked = false;

  async write(data: Buffer | string): Promise<void> {
    const s = this.socket;
    if (s.destroyed || !s.writable) throw new ConnectionClosedError();
    const below = s.write(data);
    if (below && s.writableLength <= this.maxBuffered) return;
    this.blocked = true;
    await new Promise<void>((resolve, reject) => {
      const done = (err?: unknown): void => {
        this.blocked = false;
        s.off('drain', onDrain);
        s.off('close', onClose);
        if (err) reject(err);
        else resolve();
      };
      const onDrain = (): void => done();
      const onClose = (): void => done(new ConnectionClosedError());
      s.on('drain', onDrain);
      s.on('close', onClose);
    });
  }

  ok(text: string): Promise<void> {
    return this.write(`+OK${text === '' ? '' : ` ${text}`}\r\n`);
  }

  err(code: RespCode | null, text: string): Promise<void> {
    return this.write(`-ERR ${code ? `[${code}] ` : ''}${text}\r\n`);
  }

  /** "+OK text", the lines (none may start with "." unstuffed: callers send only safe lines), ".". */
  async list(text: string, lines: readonly string[]): Promise<void> {
    let out = `+OK ${text}\r\n`;
    for (const line of lines) {
      out += `${line.startsWith('.') ? '.' : ''}${line}\r\n`;
      if (out.length >= 16 * 1024) {
        await this.write(out);
        out = '';
      }
    }
    await this.write(`${out}.\r\n`);
  }
}
