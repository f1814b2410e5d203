// The resumable framer (DESIGN.md "Two-stage parsing"): bytes from the socket -> whole requests
// (line pieces and literals). It knows nothing of command grammar beyond the tag, the command
// word (for the literal policy and for tagging errors) and literal markers at line ends.
// It works lazily: bytes are only consumed while next()/nextLine() waits, so that unread input
// stays in `bufferedBytes` and the session can pause the socket (back-pressure).
import { isUtf8 } from 'node:buffer';
import type { Limits } from '../limits.js';

/** badUtf8: the line held 8-bit bytes that are not UTF-8 (decoded as U+FFFD); quoted strings there are refused (RFC 6855 §3). */
export type RequestPart =
  | { readonly kind: 'text'; readonly text: string; readonly badUtf8?: true }
  | { readonly kind: 'literal'; readonly bytes: Buffer; readonly binary: boolean };
/** One whole command; text parts are the line pieces between literals ("{n}" markers removed, final CRLF stripped). */
export interface Request {
  readonly parts: readonly RequestPart[];
}
export interface LiteralInfo {
  readonly tag: string | null;
  /** Upper-cased first word after the tag; for UID the two words, e.g. "UID FETCH". */
  readonly command: string | null;
  readonly size: number;
  readonly sync: boolean;
  readonly binary: boolean;
  /** Sum of the sizes of the literals already accepted in this command (for a per-command cap). */
  readonly commandBytes: number;
}
export type LiteralDecision = 'accept' | { readonly status: 'NO' | 'BAD'; readonly code: string | null; readonly text: string };
export interface ReaderError {
  readonly kind: 'error';
  readonly tag: string | null;
  readonly status: 'NO' | 'BAD';
  readonly code: string | null;
  readonly text: string;
  readonly fatal: boolean;
}
export interface ReaderHooks {
  /** Asked for every literal header before its bytes are read. */
  onLiteral(info: LiteralInfo): LiteralDecision;
  /** Called when an accepted synchronizing literal needs "+ ..." sent. */
  continuation(): void;
}

/** nextLine() rejects with this when a raw line passes limits.maxLineBytes (the line is skipped). */
export class LineTooLongError extends Error {
  constructor(limit: number) {
    super(`Line longer than ${limit} bytes`);
    this.name = 'LineTooLongError';
  }
}

/** The policy the session applies in onLiteral unless it knows better. */
export function defaultLiteralPolicy(limits: Limits): (info: LiteralInfo) => LiteralDecision {
  return (info) => {
    // APPEND's literals are messages (RFC 9051 §6.3.12); everything else is a small string held in memory.
    if (info.command === 'APPEND') {
      if (info.size > limits.maxMessageBytes) {
        return { status: 'NO', code: 'TOOBIG', text: `Message of ${info.size} bytes is larger than the limit of ${limits.maxMessageBytes}` };
      }
      // MULTIAPPEND (RFC 3502): the messages of one APPEND are held until its one commit.
      if (info.commandBytes + info.size > limits.maxMultiAppendBytes) {
        return { status: 'NO', code: 'LIMIT', text: `The messages of this APPEND exceed ${limits.maxMultiAppendBytes} bytes together` };
      }
      return 'accept';
    }
    if (info.size > limits.maxSmallLiteralBytes) {
      return { status: 'NO', code: 'TOOBIG', text: `Literal of ${info.size} bytes is larger than the limit of ${limits.maxSmallLiteralBytes}` };
    }
    if (info.commandBytes + info.size > limits.maxCommandBytes) {
      return { status: 'NO', code: 'TOOBIG', text: `Literals of this command exceed ${limits.maxCommandBytes} bytes` };
    }
    return 'accept';
  };
}

// RFC 9051 §4.3 literal / literal8 (RFC 3516 §4.1), RFC 7888 non-synchronizing "+".
const LITERAL_MARKER = /(~?)\{(\d+)(\+?)\}$/;
// RFC 9051 §9: tag = 1*<any ASTRING-CHAR except "+">
const TAG = /^[^\x00-\x20\x7f-\xff(){%*"\\+]+$/;
const LF = 0x0a;
const CR = 0x0d;
const TAIL_KEEP = 32;

interface Marker {
  readonly size: number;
  readonly sync: boolean;
  readonly binary: boolean;
  readonly valid: boolean;
}

type Mode =
  | { readonly kind: 'line' }
  | { kind: 'literal'; remaining: number; readonly collect: Buffer[] | null; readonly binary: boolean }
  // Skipping the rest of a command that already failed; `tail` keeps the end of the line for its literal marker.
  | { kind: 'skip'; tail: Buffer };

type Waiter =
  | { readonly kind: 'command'; readonly resolve: (r: Request | ReaderError | null) => void }
  | { readonly kind: 'line'; readonly resolve: (r: string | null) => void; readonly reject: (e: Error) => void };

export class CommandReader {
  private chunks: Buffer[] = [];
  private buffered = 0;
  private eof = false;
  private dead = false;
  private waiter: Waiter | null = null;
  private mode: Mode = { kind: 'line' };
  // The line being assembled.
  private line: Buffer[] = [];
  private lineLen = 0;
  private lastByte = -1;
  // The command being assembled.
  private parts: RequestPart[] = [];
  private textBytes = 0;
  private literalBytes = 0;
  private tag: string | null = null;
  private command: string | null = null;
  private pendingError: ReaderError | null = null;
  private processing = false;

  constructor(
    private readonly limits: Limits,
    private readonly hooks: ReaderHooks,
  ) {}

  get bufferedBytes(): number {
    return this.buffered;
  }

  push(chunk: Buffer): void {
    if (this.dead || this.eof || chunk.length === 0) return;
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    this.process();
  }

  end(): void {
    this.eof = true;
    this.process();
  }

  next(): Promise<Request | ReaderError | null> {
    if (this.waiter) return Promise.reject(new Error('CommandReader: next() called while another read is pending'));
    return new Promise((resolve) => {
      this.waiter = { kind: 'command', resolve };
      this.process();
    });
  }

  nextLine(): Promise<string | null> {
    if (this.waiter) return Promise.reject(new Error('CommandReader: nextLine() called while another read is pending'));
    return new Promise((resolve, reject) => {
      this.waiter = { kind: 'line', resolve, reject };
      this.process();
    });
  }

  private process(): void {
    if (this.processing) return; // re-entered from a hook
    this.processing = true;
    try {
      while (this.waiter && !this.dead && this.chunks.length > 0) this.step();
      if (this.waiter && (this.dead || (this.eof && this.chunks.length === 0))) {
        // EOF: a partial command is dropped; the client is gone.
        const w = this.waiter;
        this.waiter = null;
        w.resolve(null);
      }
    } finally {
      this.processing = false;
    }
  }

  /** Consumes from the first chunk according to the mode. */
  private step(): void {
    const chunk = this.chunks[0] as Buffer;
    const mode = this.mode;
    if (mode.kind === 'literal') {
      const n = Math.min(mode.remaining, chunk.length);
      if (mode.collect) mode.collect.push(chunk.subarray(0, n));
      this.consume(n);
      mode.remaining -= n;
      if (mode.remaining === 0) this.literalDone(mode);
      return;
    }
    const lf = chunk.indexOf(LF);
    const take = lf < 0 ? chunk.length : lf;
    if (mode.kind === 'skip') {
      mode.tail = keepTail(mode.tail, chunk.subarray(0, take));
      this.consume(lf < 0 ? take : take + 1);
      if (lf >= 0) this.skippedLineDone(stripCr(mode.tail));
      return;
    }
    if (take > 0) {
      this.line.push(chunk.subarray(0, take));
      this.lineLen += take;
      this.lastByte = chunk[take - 1] as number;
    }
    this.consume(lf < 0 ? take : take + 1);
    // The limit counts the command line without its literals (limits.ts); a raw line alone.
    // Until the LF is seen, one more byte may be the CR of the CRLF.
    const own = lf < 0 ? this.lineLen - 1 : this.lineLen - (this.lastByte === CR ? 1 : 0);
    const total = own + (this.waiter?.kind === 'command' ? this.textBytes : 0);
    if (total > this.limits.maxLineBytes) {
      this.lineOverflow(lf >= 0);
      return;
    }
    if (lf >= 0) this.lineDone();
  }

  private consume(n: number): void {
    const chunk = this.chunks[0] as Buffer;
    if (n >= chunk.length) this.chunks.shift();
    else this.chunks[0] = chunk.subarray(n);
    this.buffered -= n;
  }

  private takeLine(): Buffer {
    const buf = stripCr(this.line.length === 1 ? (this.line[0] as Buffer) : Buffer.concat(this.line, this.lineLen));
    this.line = [];
    this.lineLen = 0;
    this.lastByte = -1;
    return buf;
  }

  private lineDone(): void {
    const buf = this.takeLine();
    const w = this.waiter;
    if (w?.kind === 'line') {
      this.waiter = null;
      w.resolve(buf.toString('utf8'));
      return;
    }
    let text = buf.toString('utf8');
    const marker = findMarker(text);
    if (marker) text = text.slice(0, text.length - marker.length);
    if (this.parts.length === 0) this.identify(text);
    this.parts.push(isUtf8(buf) ? { kind: 'text', text } : { kind: 'text', text, badUtf8: true });
    this.textBytes += buf.length;
    if (!marker) {
      this.finishCommand();
      return;
    }
    this.literalHeader(marker.marker);
  }

  private literalHeader(m: Marker): void {
    let decision: LiteralDecision;
    if (!m.valid) decision = { status: 'BAD', code: null, text: 'Literal size out of range' };
    else
      decision = this.hooks.onLiteral({
        tag: this.tag,
        command: this.command,
        size: m.size,
        sync: m.sync,
        binary: m.binary,
        commandBytes: this.literalBytes,
      });
    if (decision === 'accept') {
      this.literalBytes += m.size;
      this.mode = { kind: 'literal', remaining: m.size, collect: [], binary: m.binary };
      if (m.sync) this.hooks.continuation();
      if (m.size === 0) this.literalDone(this.mode);
      return;
    }
    const error = this.error(decision.status, decision.code, decision.text, false);
    if (m.sync) {
      // RFC 9051 §4.3: the client sends nothing more of this command after a tagged NO/BAD.
      this.emit(error);
      return;
    }
    // RFC 7888 §4: the bytes come anyway. Read and drop them unless that is absurd.
    if (!m.valid || m.size > 2 * this.limits.maxMessageBytes) {
      this.fail({ ...error, fatal: true });
      return;
    }
    this.pendingError = error;
    this.mode = { kind: 'literal', remaining: m.size, collect: null, binary: m.binary };
    if (m.size === 0) this.literalDone(this.mode);
  }

  private literalDone(mode: { readonly collect: Buffer[] | null; readonly binary: boolean }): void {
    if (mode.collect) {
      this.parts.push({ kind: 'literal', bytes: Buffer.concat(mode.collect), binary: mode.binary });
      this.mode = { kind: 'line' };
    } else {
      this.mode = { kind: 'skip', tail: Buffer.alloc(0) };
    }
  }

  private lineOverflow(sawLf: boolean): void {
    const head = this.takeLine();
    const w = this.waiter;
    if (w?.kind === 'line') {
      if (!sawLf) this.mode = { kind: 'skip', tail: Buffer.alloc(0) };
      this.waiter = null;
      // Skipping a raw line needs no marker handling: mark as error-free skip.
      this.pendingError = null;
      this.rawSkip = !sawLf;
      w.reject(new LineTooLongError(this.limits.maxLineBytes));
      return;
    }
    if (this.parts.length === 0) this.identify(head.subarray(0, 256).toString('utf8'));
    const error = this.error('BAD', null, `Command line longer than ${this.limits.maxLineBytes} bytes`, false);
    if (sawLf) {
      this.pendingError = error;
      this.skippedLineDone(head.subarray(Math.max(0, head.length - TAIL_KEEP)));
    } else {
      this.pendingError = error;
      this.mode = { kind: 'skip', tail: head.subarray(Math.max(0, head.length - TAIL_KEEP)) };
    }
  }

  private rawSkip = false;

  /** The end of a line of a command being skipped: it may announce another literal. */
  private skippedLineDone(tail: Buffer): void {
    if (this.rawSkip) {
      this.rawSkip = false;
      this.mode = { kind: 'line' };
      return;
    }
    const found = findMarker(tail.toString('latin1'));
    if (found && !found.marker.sync) {
      const m = found.marker;
      if (!m.valid || m.size > 2 * this.limits.maxMessageBytes) {
        this.fail({ ...(this.pendingError ?? this.error('BAD', null, 'Literal too large', false)), fatal: true });
        return;
      }
      this.mode = { kind: 'literal', remaining: m.size, collect: null, binary: m.binary };
      if (m.size === 0) this.literalDone(this.mode);
      return;
    }
    // A synchronizing literal is never sent without our "+"; the command ends here.
    this.emit(this.pendingError ?? this.error('BAD', null, 'Command rejected', false));
  }

  private identify(text: string): void {
    const words = text.split(' ', 3);
    const tag = words[0] ?? '';
    this.tag = TAG.test(tag) ? tag : null;
    const first = words[1] && /^[A-Za-z0-9.-]+$/.test(words[1]) ? words[1].toUpperCase() : null;
    if (first === 'UID' && words[2] && /^[A-Za-z]+$/.test(words[2])) this.command = `UID ${words[2].toUpperCase()}`;
    else this.command = first;
  }

  private error(status: 'NO' | 'BAD', code: string | null, text: string, fatal: boolean): ReaderError {
    return { kind: 'error', tag: this.tag, status, code, text, fatal };
  }

  private finishCommand(): void {
    const req: Request = { parts: this.parts };
    this.resetCommand();
    this.deliver(req);
  }

  private emit(error: ReaderError): void {
    this.resetCommand();
    this.mode = { kind: 'line' };
    this.deliver(error);
  }

  private fail(error: ReaderError): void {
    this.resetCommand();
    this.dead = true;
    this.chunks = [];
    this.buffered = 0;
    this.deliver(error);
  }

  private resetCommand(): void {
    this.parts = [];
    this.textBytes = 0;
    this.literalBytes = 0;
    this.tag = null;
    this.command = null;
    this.pendingError = null;
  }

  private deliver(r: Request | ReaderError): void {
    const w = this.waiter;
    if (w?.kind !== 'command') throw new Error('CommandReader: no command waiter');
    this.waiter = null;
    w.resolve(r);
  }
}

function findMarker(text: string): { marker: Marker; length: number } | null {
  const m = LITERAL_MARKER.exec(text);
  if (!m) return null;
  const digits = m[2] as string;
  // RFC 9051 §9: number64 at most; beyond 2^53 we cannot even count it.
  const size = digits.length > 15 ? Number.MAX_SAFE_INTEGER : Number(digits);
  return {
    marker: { size, sync: m[3] !== '+', binary: m[1] === '~', valid: digits.length <= 15 },
    length: m[0].length,
  };
}

function stripCr(buf: Buffer): Buffer {
  return buf.length > 0 && buf[buf.length - 1] === CR ? buf.subarray(0, buf.length - 1) : buf;
}

function keepTail(tail: Buffer, more: Buffer): Buffer {
  if (more.length >= TAIL_KEEP) return Buffer.from(more.subarray(more.length - TAIL_KEEP));
  const joined = Buffer.concat([tail, more]);
  return joined.subarray(Math.max(0, joined.length - TAIL_KEEP));
}
