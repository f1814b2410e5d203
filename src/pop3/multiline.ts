// Message bytes -> a POP3 multi-line response body (RFC 1939 §3): every line ends in CRLF (a stored
// bare LF becomes CRLF), a line that starts with "." gets one more, and ".CRLF" ends the response.
// TOP (RFC 1939 §7) stops after the header, the blank line and n body lines. Pure; works on chunks.
const CR = 0x0d;
const LF = 0x0a;
const DOT = 0x2e;
const B_DOT = Buffer.from('.');
const B_LF = Buffer.from('\n');
const B_CRLF = Buffer.from('\r\n');
const TERMINATOR = Buffer.from('.\r\n');

export interface EncoderOptions {
  /** Byte-stuff lines that start with "." (false only for counting octets, RFC 1939 §11). */
  readonly stuff: boolean;
  /** TOP: body lines to send after the header's blank line; null sends the whole message. */
  readonly bodyLines: number | null;
}

export class MultilineEncoder {
  private atLineStart = true;
  /** The last byte already emitted was a CR (so an LF that follows ends the line as is). */
  private prevCR = false;
  /** Bytes of the current line emitted so far (a CR before the LF included). */
  private lineLength = 0;
  private inHeader = true;
  private bodyLinesLeft: number | null;
  /** TOP has sent all it should: push() ignores further input. */
  done = false;

  constructor(private readonly options: EncoderOptions) {
    this.bodyLinesLeft = options.bodyLines;
  }

  /** Encodes one chunk, calling `emit` with the pieces (views into `chunk` where possible). */
  encode(chunk: Buffer, emit: (piece: Buffer) => void): void {
    let i = 0;
    while (i < chunk.length && !this.done) {
      if (this.atLineStart) {
        if (this.options.stuff && chunk[i] === DOT) emit(B_DOT);
        this.atLineStart = false;
      }
      const lf = chunk.indexOf(LF, i);
      if (lf === -1) {
        const rest = chunk.subarray(i);
        emit(rest);
        this.lineLength += rest.length;
        this.prevCR = rest[rest.length - 1] === CR;
        return;
      }
      const segment = chunk.subarray(i, lf);
      if (segment.length > 0) emit(segment);
      this.lineLength += segment.length;
      const crBefore = segment.length > 0 ? segment[segment.length - 1] === CR : this.prevCR;
      emit(crBefore ? B_LF : B_CRLF);
      this.lineEnded(crBefore ? this.lineLength - 1 : this.lineLength);
      i = lf + 1;
    }
  }

  /** Encodes one chunk into one buffer. */
  push(chunk: Buffer): Buffer {
    const pieces: Buffer[] = [];
    this.encode(chunk, (p) => pieces.push(p));
    return pieces.length === 1 ? (pieces[0] as Buffer) : Buffer.concat(pieces);
  }

  /** What ends the response: a line end if the message lacked a final one, then ".CRLF". */
  end(terminator = true): Buffer {
    const pieces: Buffer[] = [];
    if (!this.done && !this.atLineStart) pieces.push(this.prevCR ? B_LF : B_CRLF);
    if (terminator) pieces.push(TERMINATOR);
    this.done = true;
    return Buffer.concat(pieces);
  }

  private lineEnded(contentLength: number): void {
    this.atLineStart = true;
    this.prevCR = false;
    this.lineLength = 0;
    if (this.inHeader) {
      // RFC 5322 §2.1: the first empty line ends the header.
      if (contentLength === 0) {
        this.inHeader = false;
        if (this.bodyLinesLeft === 0) this.done = true;
      }
      return;
    }
    if (this.bodyLinesLeft !== null && --this.bodyLinesLeft <= 0) this.done = true;
  }
}

/** Counts the octets of a message as RETR sends it, without stuffing and terminator (RFC 1939 §11). */
export class SentSizeCounter {
  private readonly encoder = new MultilineEncoder({ stuff: false, bodyLines: null });
  private total = 0;

  push(chunk: Buffer): void {
    this.encoder.encode(chunk, (p) => (this.total += p.length));
  }

  size(): number {
    return this.total + this.encoder.end(false).length;
  }
}

/** The sent size of a whole message held in memory. */
export function sentSize(bytes: Buffer): number {
  const c = new SentSizeCounter();
  c.push(bytes);
  return c.size();
}

/** The whole multi-line body for bytes held in memory (tests and small answers). */
export function encodeMultiline(bytes: Buffer, bodyLines: number | null = null): Buffer {
  const e = new MultilineEncoder({ stuff: true, bodyLines });
  return Buffer.concat([e.push(bytes), e.end()]);
}
