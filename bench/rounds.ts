// Combining the rounds of one scenario on one server (bench --rounds N): every figure becomes the
// median of its round values, except firstOnly figures, which only round 1 measures. Pure, so that
// the rules can be tested without running a server.
import type { Figure } from './scenarios/types.js';

/** One run of a scenario on one server: its figures, or the error it failed with. */
export type Outcome = Figure[] | { error: string };

/** The median; an even count gives the mean of the two middle values. NaN for no values. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  if (sorted.length === 0) return NaN;
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

const measured = (v: number | null | undefined): v is number => typeof v === 'number' && Number.isFinite(v);

/** The figures of N rounds as one: median value, every round's value in detail.rounds, the rest of
 *  the first round's figure kept. A failed round fails the whole result: a median over fewer rounds
 *  than the other server's would be compared as if it were alike. `planned`: the rounds asked for
 *  (the suite runs none after a failed one). */
export function combineRounds(rounds: readonly Outcome[], planned = rounds.length): Outcome {
  const failed = rounds.findIndex((r) => !Array.isArray(r));
  if (failed >= 0) return { error: `round ${failed + 1} of ${planned}: ${(rounds[failed] as { error: string }).error}` };
  const all = rounds as readonly Figure[][];
  if (all.length === 1) return all[0] ?? [];
  const keys = [...new Set(all.flatMap((r) => r.map((f) => f.key)))];
  return keys.map((key) => {
    const values = all.map((r) => r.find((f) => f.key === key)?.value ?? null);
    const first = all.map((r) => r.find((f) => f.key === key)).find((f) => f !== undefined) as Figure;
    const detail = { ...first.detail, rounds: values };
    if (first.firstOnly) {
      const note = [first.note, 'first round only'].filter(Boolean).join('; ');
      return { ...first, value: all[0]?.find((f) => f.key === key)?.value ?? null, note, detail };
    }
    // A round where the figure was not measurable (null) does not count; none at all stays null.
    const got = values.filter(measured);
    return { ...first, value: got.length > 0 ? median(got) : null, detail };
  });
}

/** > 1: Postkeep better, whatever the direction. null when either value is missing or not positive
 *  (a memory delta per idle connection goes negative when the server collected earlier garbage). */
export function advantage(postkeep: number | null, other: number | null, better: 'higher' | 'lower'): number | null {
  if (!measured(postkeep) || !measured(other) || postkeep <= 0 || other <= 0) return null;
  return better === 'higher' ? postkeep / other : other / postkeep;
}

function roundValues(f: Figure | undefined): readonly (number | null)[] | null {
  const r = f?.detail?.['rounds'];
  return Array.isArray(r) ? (r as (number | null)[]) : null;
}

/** Postkeep's advantage in each round (round i of both ran back to back), or null when the figures
 *  were not taken in rounds or are firstOnly (a later round is not the same measurement). */
export function roundAdvantages(postkeep: Figure | undefined, other: Figure | undefined): (number | null)[] | null {
  const a = roundValues(postkeep);
  const b = roundValues(other);
  if (!postkeep || !a || !b || a.length < 2 || postkeep.firstOnly || other?.firstOnly) return null;
  return Array.from({ length: Math.min(a.length, b.length) }, (_, i) => advantage(a[i] ?? null, b[i] ?? null, postkeep.better));
}

/** The order of the servers in round r (1-based): as given in odd rounds, reversed in even ones, so
 *  that neither always runs first (after the other's load, or on a warmer machine). */
export function roundOrder<T>(servers: readonly T[], r: number): T[] {
  return r % 2 === 1 ? [...servers] : [...servers].reverse();
}
