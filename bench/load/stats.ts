// Latency samples and their summary (exact percentiles over every sample, nearest-rank).
export interface LatencySummary {
  readonly count: number;
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
  readonly mean: number;
}

export class Latencies {
  private readonly samples: number[] = [];

  add(ms: number): void {
    this.samples.push(ms);
  }

  get count(): number {
    return this.samples.length;
  }

  summary(): LatencySummary {
    const sorted = [...this.samples].sort((a, b) => a - b);
    const n = sorted.length;
    if (n === 0) return { count: 0, p50: NaN, p99: NaN, max: NaN, mean: NaN };
    const at = (q: number): number => sorted[Math.min(n - 1, Math.max(0, Math.ceil(q * n) - 1))] ?? NaN;
    return { count: n, p50: at(0.5), p99: at(0.99), max: sorted[n - 1] ?? NaN, mean: sorted.reduce((a, b) => a + b, 0) / n };
  }
}

export function round(value: number, digits = 2): number {
  if (!Number.isFinite(value)) return value;
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
