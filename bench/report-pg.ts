// The PostgreSQL store next to the embedded store: for every figure, Postkeep on SQLite, Postkeep on
// PostgreSQL ("postkeep-pg") and Dovecot from the same run, with pg/sqlite and pg/Dovecot. Printed,
// kept in the JSON (RunResult.postgres, bench/results/latest-postgres.json) and written into its own
// section of docs/BENCHMARKS.md (between its own markers: a run without postkeep-pg leaves it alone).
import type { RunResult, ScenarioResult } from './report.js';
import type { Figure } from './scenarios/types.js';

export const PG = 'postkeep-pg';

export interface PgRow {
  readonly scenario: string;
  readonly key: string;
  readonly label: string;
  readonly unit: string;
  readonly better: 'higher' | 'lower';
  readonly sqlite: number | null;
  readonly pg: number | null;
  readonly dovecot: number | null;
  /** pg / sqlite */
  readonly ratio: number | null;
  /** > 1: the PostgreSQL store is better than the embedded one, whatever the direction. */
  readonly advantage: number | null;
  /** pg / dovecot */
  readonly ratioDovecot: number | null;
  readonly note: string;
}

function figuresOf(result: ScenarioResult, server: string): Figure[] | null {
  const f = result.servers[server];
  return Array.isArray(f) ? f : null;
}

const divide = (a: number | null, b: number | null): number | null => (a !== null && b !== null && b !== 0 ? a / b : null);

/** Rows of one scenario, or none when postkeep-pg was not run on it. */
export function pgRows(result: ScenarioResult): PgRow[] {
  if (!(PG in result.servers)) return [];
  const sq = figuresOf(result, 'postkeep') ?? [];
  const pg = figuresOf(result, PG) ?? [];
  const dv = figuresOf(result, 'dovecot') ?? [];
  const errors = Object.entries(result.servers)
    .filter(([, v]) => !Array.isArray(v))
    .map(([k, v]) => `${k}: ${(v as { error: string }).error}`);
  const keys = [...new Set([...sq, ...pg, ...dv].map((f) => f.key))];
  return keys.map((key) => {
    const a = sq.find((f) => f.key === key);
    const p = pg.find((f) => f.key === key);
    const d = dv.find((f) => f.key === key);
    const f = (p ?? a ?? d) as Figure;
    const ratio = divide(p?.value ?? null, a?.value ?? null);
    const advantage = ratio === null || ratio <= 0 ? null : f.better === 'higher' ? ratio : 1 / ratio;
    // The label of the pg run (it says so when its big mailbox was smaller).
    const labels = a && p && a.label !== p.label ? `pg: "${p.label}", sqlite: "${a.label}"` : undefined;
    const note = [labels, p?.note, a?.note, ...errors].filter((x): x is string => Boolean(x)).join('; ');
    return { scenario: result.name, key, label: f.label, unit: f.unit, better: f.better, sqlite: a?.value ?? null, pg: p?.value ?? null, dovecot: d?.value ?? null, ratio, advantage, ratioDovecot: divide(p?.value ?? null, d?.value ?? null), note };
  });
}

export function show(v: number | null): string {
  if (v === null || !Number.isFinite(v)) return 'n/a';
  return Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 10 ? v.toFixed(1) : v.toFixed(2);
}

export function pgVerdict(r: PgRow): string {
  if (r.advantage === null) return '';
  if (r.advantage >= 0.95 && r.advantage <= 1.05) return 'about the same';
  return r.advantage >= 1 ? `pg ${show(r.advantage)}x better` : `pg ${show(1 / r.advantage)}x worse`;
}

export function printPg(result: ScenarioResult): void {
  const rows = pgRows(result);
  if (rows.length === 0) return;
  console.log(`-- PostgreSQL store: ${PG} against postkeep (sqlite), Dovecot for reference`);
  for (const r of rows) {
    console.log(
      `  ${r.label.padEnd(46)} ${r.unit.padEnd(6)} sqlite ${show(r.sqlite).padStart(9)}  pg ${show(r.pg).padStart(9)}  dovecot ${show(r.dovecot).padStart(9)}  pg/sqlite ${show(r.ratio).padStart(6)} (${r.better} is better) ${pgVerdict(r)}${r.note ? `  [${r.note}]` : ''}`,
    );
  }
}

export const PG_START = '<!-- postgres-results:start (written by npm run bench when postkeep-pg is among the servers) -->';
export const PG_END = '<!-- postgres-results:end -->';

export function pgMarkdown(run: RunResult): string {
  const s = run.settings as Record<string, unknown>;
  const pgSettings = (s['postkeepPg'] as { settings?: Record<string, unknown>; poolSize?: number; seedBatch?: number } | undefined) ?? {};
  const ps = pgSettings.settings ?? {};
  const out: string[] = [PG_START, '', '### Through IMAP: the suite with the PostgreSQL store', ''];
  out.push(
    `Written by \`npm run bench -- --servers postkeep,postkeep-pg,dovecot\`; every row's three figures come from one run (${run.date}; scenarios run ${[...new Set(run.scenarios.map((x) => x.date))].join(', ')}).`,
    `PostgreSQL: ${run.machine['postgresql'] ?? 'unknown'}. Postkeep ${run.machine['postkeep'] ?? ''}.`,
    `Settings: ${s['quick'] === true ? '`--quick`' : 'full'}; big mailbox ${String(s['bigCount'])} messages for sqlite and Dovecot, ${String(ps['bigCount'] ?? s['bigCount'])} for pg; ${String(s['idleCount'])} idle connections; pool_size ${String(pgSettings.poolSize ?? '?')}; seeded in MULTIAPPEND batches of ${String(pgSettings.seedBatch ?? '?')} with synchronous_commit off, then VACUUM (ANALYZE), then measured with the server's settings.`,
    'Memory figures (idle scenario) are the Postkeep process only: the PostgreSQL server processes (one backend per pooled connection, shared buffers) are not counted.',
    '',
    '| Scenario | Figure | Unit | Better | sqlite | pg | Dovecot | Ratio pg/sqlite | pg vs sqlite | Ratio pg/Dovecot | Note |',
    '| --- | --- | --- | --- | ---: | ---: | ---: | ---: | --- | ---: | --- |',
  );
  for (const r of run.scenarios.flatMap((x) => pgRows(x))) {
    out.push(`| ${r.scenario} | ${r.label} | ${r.unit} | ${r.better} | ${show(r.sqlite)} | ${show(r.pg)} | ${show(r.dovecot)} | ${show(r.ratio)} | ${pgVerdict(r)} | ${show(r.ratioDovecot)} | ${r.note.replace(/\|/g, '/')} |`);
  }
  out.push('', PG_END);
  return out.join('\n');
}

/** The text with the section between start and end replaced, or the section appended at the end. */
export function replaceSection(text: string, start: string, end: string, section: string): string {
  const a = text.indexOf(start);
  const b = text.indexOf(end);
  return a >= 0 && b > a ? text.slice(0, a) + section + text.slice(b + end.length) : `${text.trimEnd()}\n\n${section}\n`;
}
