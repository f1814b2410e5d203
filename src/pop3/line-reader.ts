// POP3 input: CRLF-terminated command lines (a bare LF is accepted too), each at most maxLineBytes
// long. Lines are handed out one at a time in order (RFC 2449 §6.6 PIPELINING); the caller pauses
// the socket while `bufferedBytes` is high, so a client cannot make us buffer without limit.
export type LineResult = { readonly kind: 'line'; readonly text: string } | { readonly kind: 'tooLong' };

export class LineReader {
  private chunks: Buffer[] = [];
  private buffered = 0;
  private readonly ready: LineResult[] = [];
  /** Dropping the rest of an overlong line up to its LF. */
  private skipping = false;
  private ended = false;
  private waiter: ((r: LineResult | null) => void) | null = null;

  constructor(private readonly maxLineBytes: number) {}

  get bufferedBytes(): number {
    return this.buffered + this.ready.reduce((n, r) => n + (r.kind === 'line' ? r.text.length : 0), 0);
  }

  push(chunk: Buffer): void {
    let start = 0;
    for (;;) {
      const lf = chunk.indexOf(0x0a, start);
      if (lf === -1) {
        this.keep(chunk.subarray(start));
        break;
      }
      this.keep(chunk.subarray(start, lf));
      if (this.skipping) this.skipping = false;
      else this.deliver(this.takeLine());
      start = lf + 1;
    }
  }

  end(): void {
    this.ended = true;
    this.chunks = [];
    this.buffered = 0;
    this.wake();
  }

  /** Drops everything received but not yet handed out (RFC 2595 §4 / RFC 7817: after STLS). */
  discard(): void {
    this.chunks = [];
    this.buffered = 0;
    this.ready.length = 0;
    this.skipping = false;
  }

  /** The next line (without its CRLF), a too-long marker, or null once the input has ended. */
  next(): Promise<LineResult | null> {
    const r = this.ready.shift();
    if (r) return Promise.resolve(r);
    if (this.ended) return Promise.resolve(null);
    return new Promise((resolve) => (this.waiter = resolve));
  }

  private keep(piece: Buffer): void {
    if (this.skipping || piece.length === 0) return;
    if (this.buffered + piece.length > this.maxLineBytes) {
      this.chunks = [];
      this.buffered = 0;
      this.skipping = true;
      this.deliver({ kind: 'tooLong' });
      return;
    }
    this.chunks.push(piece);
    this.buffered += piece.length;
  }

  private takeLine(): LineResult {
    let bytes = Buffer.concat(this.chunks, this.buffered);
    this.chunks = [];
    this.buffered = 0;
    if (bytes[bytes.length - 1] === 0x0d) bytes = bytes.subarray(0, -1);
    return { kind: 'line', text: bytes.toString('utf8') };
  }

  private deliver(r: LineResult): void {
    if (this.ended) return;
    this.ready.push(r);
    this.wake();
  }

  private wake(): void {
    const w = this.waiter;
    if (!w) return;
    const r = this.ready.shift();
    if (!r && !this.ended) return;
    this.waiter = null;
    w(r ?? null);
  }
}
