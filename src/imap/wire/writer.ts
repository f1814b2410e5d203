// Response serialization (RFC 9051 §4, §7) and the output writer with back-pressure
// (DESIGN.md rule 3: a slow reader cannot make the server buffer without limit).
import { once } from 'node:events';
import type { Readable } from 'node:stream';
import { Atom, Concat, Literal, Preformatted, StreamLiteral, type ImapData } from './data.js';

/** Bytes gathered (corked) before they go to the socket: responses written in one turn of the
 *  event loop leave in one write() and few TCP segments, not one segment per response. */
const BATCH_BYTES = 64 * 1024;

/** Longest string still sent quoted; longer ones go as literals (kinder to client parsers). */
const MAX_QUOTED_BYTES = 1024;

/** Serializes a value: quoted when safe, literal otherwise; text pieces are merged into Buffers. */
export function serialize(data: ImapData, opts: { utf8: boolean }): Array<Buffer | StreamLiteral> {
  const out = new Output();
  write(data, opts.utf8, out);
  return out.finish();
}

class Output {
  private readonly items: Array<Buffer | StreamLiteral> = [];
  private text = '';
  add(s: string): void {
    this.text += s;
  }
  addBytes(b: Buffer): void {
    this.flush();
    this.items.push(b);
  }
  addStream(s: StreamLiteral): void {
    this.flush();
    this.items.push(s);
  }
  private flush(): void {
    if (this.text !== '') this.items.push(Buffer.from(this.text, 'utf8'));
    this.text = '';
  }
  finish(): Array<Buffer | StreamLiteral> {
    this.flush();
    return this.items;
  }
}

function write(data: ImapData, utf8: boolean, out: Output): void {
  if (data === null) out.add('NIL');
  else if (typeof data === 'number') {
    if (!Number.isSafeInteger(data) || data < 0) throw new RangeError(`Cannot send ${data} as an IMAP number`);
    out.add(String(data));
  } else if (typeof data === 'string') writeString(data, utf8, out);
  else if (data instanceof Atom) out.add(sanitizeLine(data.value));
  else if (data instanceof Preformatted) out.add(data.text);
  else if (data instanceof Literal) {
    // RFC 9051 §4.3 literal; RFC 3516 §4.2 literal8 "~{n}"
    out.add(`${data.binary ? '~' : ''}{${data.bytes.length}}\r\n`);
    out.addBytes(data.bytes);
  } else if (data instanceof StreamLiteral) {
    out.add(`${data.binary ? '~' : ''}{${data.size}}\r\n`);
    out.addStream(data);
  } else if (data instanceof Concat) {
    for (const item of data.items) write(item, utf8, out);
  } else {
    out.add('(');
    data.forEach((item, i) => {
      if (i > 0) out.add(' ');
      write(item, utf8, out);
    });
    out.add(')');
  }
}

function writeString(s: string, utf8: boolean, out: Output): void {
  // RFC 9051 §4.3: quoted strings cannot hold CR, LF or NUL; 8-bit only once UTF-8 is on (RFC 9051 §4.3, RFC 6855 §3).
  const bytes = Buffer.byteLength(s, 'utf8');
  const quotable = bytes <= MAX_QUOTED_BYTES && !/[\r\n\0]/.test(s) && (utf8 || !/[^\x00-\x7f]/.test(s));
  if (quotable) {
    out.add(`"${s.replace(/["\\]/g, '\\$&')}"`);
    return;
  }
  const buf = Buffer.from(s, 'utf8');
  out.add(`{${buf.length}}\r\n`);
  out.addBytes(buf);
}

/** Response text is one line of TEXT-CHAR (RFC 9051 §9): no CR/LF/NUL; 7-bit unless UTF-8 is on. */
function sanitizeText(text: string, utf8: boolean): string {
  let t = sanitizeLine(text);
  if (!utf8) t = t.replace(/[^\x00-\x7f]/g, '?');
  return t;
}

function sanitizeLine(s: string): string {
  return s.replace(/[\r\n\0]+/g, ' ');
}

function respText(code: string | null, text: string, utf8: boolean, fallback: string): string {
  const t = sanitizeText(text, utf8) || fallback;
  // resp-text-code never holds "]" (RFC 9051 §9); a stray one would end the code early.
  return code === null ? t : `[${sanitizeText(code, utf8).replace(/\]/g, '')}] ${t}`;
}

const DONE: Promise<void> = Promise.resolve();

/** One Buffer of several (one write, one syscall for a typical response). */
function joined(buffers: Buffer[]): Buffer {
  return buffers.length === 1 ? (buffers[0] as Buffer) : Buffer.concat(buffers);
}

const FALLBACK = { OK: 'Completed', NO: 'Failed', BAD: 'Error' } as const;

export class ResponseWriter {
  private out: NodeJS.WritableStream;
  private utf8: boolean;
  private readonly maxBuffered: number;
  // Responses are written one after the other, never interleaved, in call order.
  private tail: Promise<void> = DONE;
  /** Responses handed to `tail` and not yet written out. */
  private queued = 0;
  /** The output is corked until the end of this event-loop turn or BATCH_BYTES, whichever first. */
  private corked = false;

  constructor(out: NodeJS.WritableStream, opts: { utf8: boolean; maxBuffered: number }) {
    this.out = out;
    this.utf8 = opts.utf8;
    this.maxBuffered = opts.maxBuffered;
  }

  setUtf8(utf8: boolean): void {
    this.utf8 = utf8;
  }

  /** Sends what the batch holds now (STARTTLS and COMPRESS, before they wrap the output stream). */
  flush(): void {
    this.uncork();
  }

  /** After STARTTLS / COMPRESS: later writes go to the new stream. */
  setOutput(out: NodeJS.WritableStream): void {
    this.uncork();
    this.out = out;
  }

  untagged(parts: ImapData[]): Promise<void> {
    return this.enqueue(() => {
      // One Output for the whole line: "* ", the separators and CRLF join the text around them
      // (a FETCH BODY[] response is then three Buffers: text, the literal's bytes, text).
      const out = new Output();
      out.add('* ');
      for (let i = 0; i < parts.length; i++) {
        if (i > 0) out.add(' ');
        write(parts[i] as ImapData, this.utf8, out);
      }
      out.add('\r\n');
      return out.finish();
    });
  }

  /** A tagged line ends the batch unless `pipelined`: the client has already sent more, so the line
   *  stays in the batch and leaves with the answers to the commands behind it that complete in this
   *  event-loop turn (at the latest at its end, or at 64 KiB): one write for several commands, as a
   *  pipelining client sends them (RFC 9051 §5.5; Dovecot corks its output across the commands it
   *  reads at once). */
  tagged(tag: string, status: 'OK' | 'NO' | 'BAD', code: string | null, text: string, pipelined = false): Promise<void> {
    return this.line(`${sanitizeLine(tag)} ${status} ${respText(code, text, this.utf8, FALLBACK[status])}`, !pipelined);
  }

  /** continue-req = "+" SP (resp-text / base64) CRLF (RFC 9051 §7.5) */
  continuation(text: string): Promise<void> {
    return this.line(`+ ${sanitizeText(text, this.utf8)}`);
  }

  bye(code: string | null, text: string): Promise<void> {
    return this.line(`* BYE ${respText(code, text, this.utf8, 'Closing')}`);
  }

  raw(bytes: Buffer | string): Promise<void> {
    return this.enqueue(() => [typeof bytes === 'string' ? Buffer.from(bytes, 'utf8') : bytes]);
  }

  /** Lines that end a batch go out now: the client waits for them, or the connection ends. */
  private line(s: string, flush = true): Promise<void> {
    return this.enqueue(() => [Buffer.from(`${s}\r\n`, 'utf8')], flush);
  }

  private enqueue(build: () => Array<Buffer | StreamLiteral>, flush = false): Promise<void> {
    if (this.queued === 0) return this.writeNow(build, flush);
    return this.track(
      this.tail.then(async () => {
        try {
          await this.writeItems(build());
        } finally {
          if (flush) this.uncork();
        }
      }),
    );
  }

  /** Nothing queued: the response goes to the stream in this call, without a promise hop per
   *  response (a FETCH of one message writes two: its data and the tagged line). Only a stream
   *  literal or back-pressure makes it wait, and what comes after then queues behind it. */
  private writeNow(build: () => Array<Buffer | StreamLiteral>, flush: boolean): Promise<void> {
    let waiting: Promise<void> | null;
    try {
      const items = build();
      waiting = items.every((item) => Buffer.isBuffer(item)) ? this.writeChunkNow(joined(items as Buffer[])) : this.writeItems(items);
    } catch (err) {
      if (flush) this.uncork();
      return Promise.reject(err);
    }
    if (waiting === null) {
      if (flush) this.uncork();
      return DONE;
    }
    return this.track(flush ? waiting.finally(() => this.uncork()) : waiting);
  }

  /** Responses still being written: later ones wait for them (never interleaved, in call order). */
  private track(run: Promise<void>): Promise<void> {
    this.queued++;
    // A failed write must not poison the responses queued after it (they fail on their own).
    this.tail = run.then(
      () => void this.queued--,
      () => void this.queued--,
    );
    return run;
  }

  private async writeItems(items: Array<Buffer | StreamLiteral>): Promise<void> {
    // Merge adjacent buffers into one write: one syscall for a typical response.
    let pending: Buffer[] = [];
    let short: Error | null = null;
    for (const item of items) {
      if (Buffer.isBuffer(item)) {
        pending.push(item);
        continue;
      }
      if (pending.length) await this.writeChunk(Buffer.concat(pending));
      pending = [];
      short = (await this.pipe(item)) ?? short;
    }
    if (pending.length) await this.writeChunk(pending.length === 1 ? (pending[0] as Buffer) : Buffer.concat(pending));
    // The response went out whole (padded), so the connection stays usable; the caller learns of the bad source.
    if (short) throw short;
  }

  private async writeChunk(chunk: Buffer): Promise<void> {
    const waiting = this.writeChunkNow(chunk);
    if (waiting) await waiting;
  }

  /** Writes the chunk; a promise only when the stream's buffer is over its bound (wait for drain). */
  private writeChunkNow(chunk: Buffer): Promise<void> | null {
    const out = this.out;
    if (isClosed(out)) throw new Error('Output closed');
    this.cork(out);
    const ok = out.write(chunk);
    const queued = (out as { writableLength?: number }).writableLength;
    if (queued === undefined || queued >= BATCH_BYTES) this.uncork();
    if (ok) return null;
    if (queued !== undefined && queued <= this.maxBuffered) return null;
    this.uncork(); // drain never comes while corked
    return drain(out);
  }

  private cork(out: NodeJS.WritableStream): void {
    if (this.corked) return;
    const w = out as { cork?: () => void };
    if (typeof w.cork !== 'function') return;
    w.cork();
    this.corked = true;
    // After the rest of this turn (the tagged line usually follows the untagged ones in it).
    setImmediate(() => this.uncork());
  }

  private uncork(): void {
    if (!this.corked) return;
    this.corked = false;
    const w = this.out as { uncork?: () => void; destroyed?: boolean };
    if (w.destroyed !== true) w.uncork?.();
  }

  /** Streams a literal's bytes with back-pressure; exactly `size` bytes go out whatever the source does. */
  private async pipe(lit: StreamLiteral): Promise<Error | null> {
    let sent = 0;
    let sourceError: unknown = null;
    let source: Readable | null = null;
    try {
      source = lit.open();
      for await (const chunk of source) {
        const buf: Buffer = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
        const take = Math.min(buf.length, lit.size - sent);
        if (take > 0) {
          try {
            await this.writeChunk(take === buf.length ? buf : buf.subarray(0, take));
          } catch (e) {
            throw new OutputError(e);
          }
        }
        sent += take;
        if (sent >= lit.size) break;
      }
    } catch (e) {
      if (e instanceof OutputError) throw e.cause;
      sourceError = e; // the source failed (file gone, read error): the socket is still fine
    } finally {
      source?.destroy();
    }
    if (sent < lit.size) {
      // Keep the framing the client was promised, then report the broken source.
      await this.writeChunk(Buffer.alloc(lit.size - sent, 0x20));
      const why = sourceError instanceof Error ? `: ${sourceError.message}` : '';
      return new Error(`StreamLiteral produced ${sent} of ${lit.size} announced bytes${why}`, { cause: sourceError });
    }
    return null;
  }
}

class OutputError extends Error {
  constructor(override readonly cause: unknown) {
    super('Output failed');
  }
}

function isClosed(out: NodeJS.WritableStream): boolean {
  const w = out as { destroyed?: boolean; writableEnded?: boolean };
  return w.destroyed === true || w.writableEnded === true;
}

async function drain(out: NodeJS.WritableStream): Promise<void> {
  const ac = new AbortController();
  try {
    await Promise.race([
      once(out as unknown as NodeJS.EventEmitter, 'drain', { signal: ac.signal }),
      once(out as unknown as NodeJS.EventEmitter, 'close', { signal: ac.signal }).then(() => {
        throw new Error('Output closed');
      }),
    ]);
  } finally {
    ac.abort();
  }
}
