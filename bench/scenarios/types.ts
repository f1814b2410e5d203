// What a scenario is: the accounts it needs seeded, and a run against one server that returns
// figures. A figure's `better` says which direction wins, so that the ratio can be read either way.
import type { AccountPlan, RunningTarget } from '../target.js';

export interface BenchSettings {
  /** Shorter time bounds everywhere (the smoke test and a first look). */
  readonly quick: boolean;
  /** Messages in the big mailbox of scenarios 4 and 5. */
  readonly bigCount: number;
  /** Connections of scenario 7. */
  readonly idleCount: number;
  /** Flag churn duration (scenario 6). */
  readonly churnSeconds: number;
  /** Idle connections and duration of the mixed run (scenario 8). */
  readonly mixedIdle: number;
  readonly mixedSeconds: number;
}

export interface Figure {
  readonly key: string;
  readonly label: string;
  readonly unit: string;
  readonly better: 'higher' | 'lower';
  /** null: not measurable on this server (with the reason in note). */
  readonly value: number | null;
  readonly note?: string;
  /** Context kept in the JSON (counts, percentiles, first/second run; detail.rounds with --rounds). */
  readonly detail?: Record<string, unknown>;
  /** Meaningful only the first time on a freshly seeded server (a cold cache or index): with
   *  --rounds, round 1's value is taken rather than the median (bench/rounds.ts). */
  readonly firstOnly?: true;
}

export interface ScenarioContext {
  readonly target: RunningTarget;
  readonly settings: BenchSettings;
  readonly log: (line: string) => void;
  /** 1-based round of this scenario on this server (--rounds; absent: 1). Scenarios that write
   *  mail offset their messages by it, so that no round writes a message an earlier one did. */
  readonly round?: number;
}

export interface Scenario {
  readonly name: string;
  readonly title: string;
  accounts(settings: BenchSettings): AccountPlan[];
  run(ctx: ScenarioContext): Promise<Figure[]>;
}

export const PASSWORD = 'bench-secret';

export function users(prefix: string, count: number, inbox: number, cheapHash: boolean): AccountPlan[] {
  return Array.from({ length: count }, (_, i) => ({ login: `${prefix}${String(i + 1).padStart(2, '0')}`, password: PASSWORD, cheapHash, inbox }));
}

export function userName(prefix: string, i: number): string {
  return `${prefix}${String(i + 1).padStart(2, '0')}`;
}
