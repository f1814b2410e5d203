// A streaming mbox reader (mboxrd and mboxo, RFC 4155): splits at From_ lines, removes one ">" from
// lines matching ^>+From (the mboxrd rule; for mboxo files this also unescapes the lines the
// writer escaped), and drops the blank line that separates messages. It holds at most one message
// (up to maxMessageBytes), one partial line (up to maxLineBytes) and one read chunk: a message
// larger than the cap is skipped and reported, never buffered whole.
import { parseFromLine } from './from-line.js';

export interface MboxReaderOptions {
  /** Messages above this many bytes are reported as too big and skipped. */
  readonly maxMessageBytes: number;
  /** A line longer than this is taken in pieces (only the first piece can be a separator). */
  readonly maxLineBytes?: number;
}

export type MboxItem =
  | { readonly kind: 'message'; readonly index: number; readonly date: number; readonly bytes: Buffer }
  | { readonly kind: 'tooBig'; readonly index: number; readonly date: number; readonly size: number };

export class MboxFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MboxFormatError';
  }
}

const DEFAULT_MAX_LINE = 64 * 1024;
const ESCAPED_FROM = /^>+From /;

export class MboxReader {
  /** Input bytes consumed so far (for progress). */
  bytesRead = 0;
  /** The most bytes held at once (partial line + current message): the cap tests check. */
  maxBufferedBytes = 0;

  private readonly maxMessage: number;
  private readonly maxLine: number;
  private carry: Buffer = Buffer.alloc(0);
  /** Inside a line whose start was already handled (a line longer than maxLine). */
  private midLine = false;
  private parts: Buffer[] = [];
  private size = 0;
  /** Bytes in `parts` (0 once a message went over the cap, while `size` keeps counting). */
  private held = 0;
  private started = false;
  private index = 0;
  private date = 0;

  constructor(options: MboxReaderOptions) {
    this.maxMessage = options.maxMessageBytes;
    this.maxLine = options.maxLineBytes ?? DEFAULT_MAX_LINE;
  }

  /** Reads chunks (e.g. fs.createReadStream) and yields each message as it completes. */
  async *read(chunks: AsyncIterable<Buffer | string>): AsyncGenerator<MboxItem> {
    for await (const chunk of chunks) {
      const buf = typeof chunk === 'string' ? Buffer.from(chunk, 'latin1') : chunk;
      this.bytesRead += buf.length;
      yield* this.feed(buf);
    }
    if (this.carry.length > 0) {
      const line = this.carry;
      this.carry = Buffer.alloc(0);
      yield* this.line(line);
    }
    const last = this.finish();
    if (last !== null) yield last;
  }

  private *feed(chunk: Buffer): Generator<MboxItem> {
    let data = this.carry.length === 0 ? chunk : Buffer.concat([this.carry, chunk]);
    this.carry = Buffer.alloc(0);
    let pos = 0;
    for (;;) {
      const nl = data.indexOf(0x0a, pos);
      if (nl < 0) break;
      yield* this.line(data.subarray(pos, nl + 1));
      pos = nl + 1;
    }
    data = data.subarray(pos);
    while (data.length > this.maxLine) {
      // An endless line: take its head now so that the carry stays bounded.
      yield* this.line(data.subarray(0, this.maxLine));
      this.midLine = true;
      data = data.subarray(this.maxLine);
    }
    // Copy the partial line so the chunk it came from can be collected.
    this.carry = Buffer.from(data);
    this.note(this.held + this.carry.length);
  }

  private *line(line: Buffer): Generator<MboxItem> {
    const lineStart = !this.midLine;
    this.midLine = line[line.length - 1] !== 0x0a;
    if (lineStart && line[0] === 0x46 /* F */) {
      const from = parseFromLine(line.toString('latin1'));
      if (from !== null) {
        const done = this.finish();
        if (done !== null) yield done;
        this.started = true;
        this.index++;
        this.date = from.date;
        return;
      }
    }
    if (!this.started) {
      if (line.toString('latin1').trim() === '') return;
      throw new MboxFormatError('not an mbox file: it does not start with a "From " line');
    }
    let bytes = line;
    if (lineStart && line[0] === 0x3e /* > */ && ESCAPED_FROM.test(line.toString('latin1', 0, Math.min(line.length, 256)))) {
      bytes = line.subarray(1);
    }
    this.size += bytes.length;
    if (this.size <= this.maxMessage + 2) {
      // +2: the separating blank line is counted here and dropped at the end.
      this.parts.push(Buffer.from(bytes));
      this.note(this.held + this.carry.length);
    } else if (this.parts.length > 0) {
      this.parts = []; // too big: stop holding it, keep counting
    }
  }

  private finish(): MboxItem | null {
    if (!this.started) return null;
    const { index, date } = this;
    let size = this.size;
    const parts = this.parts;
    this.parts = [];
    this.size = 0;
    this.held = 0;
    if (size > this.maxMessage + 2) return { kind: 'tooBig', index, date, size };
    let bytes = Buffer.concat(parts, size);
    // The blank line before the next From_ line (or at the end of the file) is the separator.
    if (endsWith(bytes, '\n\n')) bytes = bytes.subarray(0, bytes.length - 1);
    else if (endsWith(bytes, '\r\n\r\n')) bytes = bytes.subarray(0, bytes.length - 2);
    size = bytes.length;
    if (size > this.maxMessage) return { kind: 'tooBig', index, date, size };
    return { kind: 'message', index, date, bytes };
  }

  private note(buffered: number): void {
    if (buffered > this.maxBufferedBytes) this.maxBufferedBytes = buffered;
  }
}

function endsWith(bytes: Buffer, text: string): boolean {
  if (bytes.length < text.length) return false;
  return bytes.toString('latin1', bytes.length - text.length) === text;
}
