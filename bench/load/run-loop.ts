// Closed-loop load: `workers` loops each run `op` back to back until the time bound or the shared
// operation budget is spent, whichever comes first. Counts are exact; each op's latency is kept.
import { performance } from 'node:perf_hooks';
import { Latencies, type LatencySummary } from './stats.js';

export interface LoopOptions {
  readonly workers: number;
  readonly durationMs: number;
  readonly maxOps: number;
  /** Stops the run after this many failed ops (a broken server must not spin the loop). */
  readonly maxErrors?: number;
}

export interface LoopResult {
  readonly ops: number;
  readonly errors: number;
  readonly firstError: string | null;
  readonly elapsedMs: number;
  readonly opsPerSec: number;
  readonly latency: LatencySummary;
}

export async function runLoop(options: LoopOptions, op: (worker: number, index: number) => Promise<void>): Promise<LoopResult> {
  const latencies = new Latencies();
  let started = 0;
  let errors = 0;
  let firstError: string | null = null;
  const t0 = performance.now();
  const deadline = t0 + options.durationMs;
  const maxErrors = options.maxErrors ?? 10;
  const worker = async (w: number): Promise<void> => {
    while (started < options.maxOps && performance.now() < deadline && errors < maxErrors) {
      const index = started++;
      const s = performance.now();
      try {
        await op(w, index);
        latencies.add(performance.now() - s);
      } catch (err) {
        errors++;
        firstError ??= err instanceof Error ? err.message : String(err);
      }
    }
  };
  await Promise.all(Array.from({ length: options.workers }, (_, w) => worker(w)));
  const elapsedMs = performance.now() - t0;
  return { ops: latencies.count, errors, firstError, elapsedMs, opsPerSec: (latencies.count * 1000) / elapsedMs, latency: latencies.summary() };
}
