// A minimal LMTP client (RFC 2033) over a raw socket: LHLO once, then MAIL/RCPT/DATA per message on
// the same connection, as an MTA does. Replies are read line by line; multi-line replies end at the
// line whose code is followed by a space. DATA gets one reply per accepted recipient.
import { connect, type Socket } from 'node:net';
import type { Endpoint } from './imap-client.js';
import { withTimeout } from './imap-client.js';

export class LmtpClient {
  private buffer = '';
  private readonly waiters: Array<(reply: string) => void> = [];
  private current: string[] = [];
  private closedError: Error | undefined;

  private constructor(private readonly socket: Socket) {
    socket.setNoDelay(true);
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => this.onData(chunk));
    socket.on('error', (err) => (this.closedError ??= err));
    socket.on('close', () => (this.closedError ??= new Error('LMTP connection closed')));
  }

  static async connect(endpoint: Endpoint, timeoutMs = 30_000): Promise<LmtpClient> {
    const client = new LmtpClient(connect({ host: endpoint.host, port: endpoint.port }));
    await client.expect('2', timeoutMs, 'greeting');
    await client.send('LHLO bench.example.org', '2', timeoutMs);
    return client;
  }

  /** Delivers one message to the recipients; resolves when every recipient got its DATA reply. */
  async deliver(from: string, recipients: readonly string[], message: Buffer, timeoutMs = 60_000): Promise<void> {
    await this.send(`MAIL FROM:<${from}>`, '2', timeoutMs);
    for (const r of recipients) await this.send(`RCPT TO:<${r}>`, '2', timeoutMs);
    await this.send('DATA', '3', timeoutMs);
    // Dot-stuffing: the generated messages have no line starting with '.', checked here.
    if (message.includes('\n.')) throw new Error('message needs dot-stuffing');
    this.socket.write(message);
    const replies: Promise<string>[] = recipients.map(() => this.next());
    this.socket.write(message.subarray(-2).toString() === '\r\n' ? '.\r\n' : '\r\n.\r\n');
    for (const reply of replies) {
      const text = await withTimeout(reply, timeoutMs, 'DATA reply');
      if (!text.startsWith('2')) throw new Error(`LMTP DATA -> ${text.trim()}`);
    }
  }

  async quit(): Promise<void> {
    try {
      await this.send('QUIT', '2', 5000);
    } catch {
      // closing anyway
    }
    this.socket.destroy();
  }

  private async send(line: string, expected: string, timeoutMs: number): Promise<string> {
    if (this.closedError) throw this.closedError;
    const reply = this.next();
    this.socket.write(`${line}\r\n`);
    const text = await withTimeout(reply, timeoutMs, line);
    if (!text.startsWith(expected)) throw new Error(`LMTP ${line} -> ${text.trim()}`);
    return text;
  }

  private async expect(expected: string, timeoutMs: number, what: string): Promise<void> {
    const text = await withTimeout(this.next(), timeoutMs, what);
    if (!text.startsWith(expected)) throw new Error(`LMTP ${what} -> ${text.trim()}`);
  }

  private next(): Promise<string> {
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  private onData(chunk: string): void {
    this.buffer += chunk;
    let nl: number;
    while ((nl = this.buffer.indexOf('\n')) >= 0) {
      const line = this.buffer.slice(0, nl + 1);
      this.buffer = this.buffer.slice(nl + 1);
      this.current.push(line);
      if (line.length >= 4 && line[3] === '-') continue;
      const reply = this.current.join('');
      this.current = [];
      this.waiters.shift()?.(reply);
    }
  }
}
