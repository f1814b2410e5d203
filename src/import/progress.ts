// Progress of an import or export. On a terminal: one line redrawn in place, at most every 100 ms
// (messages, MB, rate, ETA when the total is known). Otherwise (a log, a pipe): a plain line every
// `logEvery` messages or `logEveryMs`, whichever comes first. Notes (a skipped message) are printed on
// their own line in both cases.

export interface ProgressOptions {
  /** Where progress goes (stderr in the CLI). */
  readonly out: { write(text: string): unknown; readonly isTTY?: boolean };
  /** ms clock; injectable for tests. */
  readonly now?: () => number;
  readonly logEvery?: number;
  readonly logEveryMs?: number;
}

export interface ProgressState {
  /** Messages done (including skipped and failed). */
  readonly messages: number;
  readonly bytes: number;
  /** Known total of messages, or of input bytes (mbox), for the ETA; null when unknown. */
  readonly total: { readonly messages: number } | { readonly bytes: number; readonly done: number } | null;
}

const REDRAW_MS = 100;

export class Progress {
  private readonly now: () => number;
  private readonly tty: boolean;
  private readonly started: number;
  private lastDraw = -Infinity;
  private lastLogMessages = 0;
  private lastLogAt: number;
  private drawn = false;

  constructor(private readonly options: ProgressOptions) {
    this.now = options.now ?? Date.now;
    this.tty = options.out.isTTY === true;
    this.started = this.now();
    this.lastLogAt = this.started;
  }

  elapsedMs(): number {
    return this.now() - this.started;
  }

  /** Called after every message; draws or logs only when it is time to. */
  update(state: ProgressState): void {
    const now = this.now();
    if (this.tty) {
      if (now - this.lastDraw < REDRAW_MS) return;
      this.lastDraw = now;
      this.options.out.write(`\r\x1b[K${this.line(state, now)}`);
      this.drawn = true;
      return;
    }
    const every = this.options.logEvery ?? 1000;
    const everyMs = this.options.logEveryMs ?? 10_000;
    if (state.messages - this.lastLogMessages >= every || now - this.lastLogAt >= everyMs) {
      this.lastLogMessages = state.messages;
      this.lastLogAt = now;
      this.options.out.write(`${this.line(state, now)}\n`);
    }
  }

  /** A line of its own (a warning), without breaking the progress line. */
  note(text: string): void {
    this.clear();
    this.options.out.write(`${text}\n`);
    this.lastDraw = -Infinity; // redraw at the next update
  }

  /** Removes the progress line (before the summary). */
  clear(): void {
    if (this.drawn) this.options.out.write('\r\x1b[K');
    this.drawn = false;
  }

  line(state: ProgressState, now = this.now()): string {
    const seconds = Math.max((now - this.started) / 1000, 0.001);
    const rate = state.messages / seconds;
    let text = `${state.messages} messages, ${formatMb(state.bytes)}, ${Math.round(rate)} msg/s`;
    const fraction = fractionDone(state);
    if (fraction !== null && fraction > 0) {
      text += `, ${Math.floor(fraction * 100)}%`;
      if (fraction < 1) text += `, ETA ${formatDuration((seconds * (1 - fraction)) / fraction)}`;
    }
    return text;
  }
}

function fractionDone(state: ProgressState): number | null {
  const total = state.total;
  if (total === null) return null;
  if ('messages' in total) return total.messages === 0 ? 1 : Math.min(state.messages / total.messages, 1);
  return total.bytes === 0 ? 1 : Math.min(total.done / total.bytes, 1);
}

export function formatMb(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

export function formatDuration(seconds: number): string {
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}
