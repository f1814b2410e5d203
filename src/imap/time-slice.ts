// One event loop serves every connection, so a command that works through many messages (FETCH of a
// mailbox's headers, say) must hand the loop back now and then: its promises resolve at once when
// the data is at hand (rows read synchronously, a socket that takes the writes), and a chain of them
// never leaves the microtask queue. Ten clients fetching 200 headers each held the loop for 530 ms,
// and every APPEND and IDLE notification in that time waited (bench scenario 8, docs/BENCHMARKS.md).
// Dovecot has a process per connection and the kernel's scheduler for this.

/** How long a command may keep the event loop before it lets the others run. */
export const TIME_SLICE_MS = 2;

export class TimeSlice {
  private start = performance.now();

  constructor(private readonly sliceMs = TIME_SLICE_MS) {}

  /** Resolves at once while the slice lasts; after it, in a later turn of the event loop (after the
   *  I/O that is ready), and a new slice starts. Call it between units of work. */
  pass(): Promise<void> | undefined {
    if (performance.now() - this.start < this.sliceMs) return undefined;
    return new Promise((resolve) =>
      setImmediate(() => {
        this.start = performance.now();
        resolve();
      }),
    );
  }
}
