// Turns the figures of both servers into rows with ratios, prints them, writes the JSON result and
// the results section of docs/BENCHMARKS.md (between the two markers; the rest is written by hand).
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PG, PG_END, PG_START, pgMarkdown, pgRows, printPg, replaceSection, type PgRow } from './report-pg.js';
import { median, roundAdvantages } from './rounds.js';
import type { Figure } from './scenarios/types.js';

export interface ScenarioResult {
  readonly name: string;
  readonly title: string;
  readonly date: string;
  /** server name -> figures, or an error text when the scenario failed on that server. */
  readonly servers: Record<string, Figure[] | { error: string }>;
  /** --rounds N > 1: every figure is the median of N alternating rounds (absent: one pass). */
  readonly rounds?: number;
}

export interface RunResult {
  readonly date: string;
  readonly machine: Record<string, string>;
  readonly settings: Record<string, unknown>;
  readonly scenarios: ScenarioResult[];
  /** When postkeep-pg ran: every figure of it next to postkeep (sqlite) and Dovecot, with pg/sqlite. */
  readonly postgres?: PgRow[];
}

export interface Row {
  readonly scenario: string;
  readonly label: string;
  readonly unit: string;
  readonly better: 'higher' | 'lower';
  readonly postkeep: number | null;
  readonly dovecot: number | null;
  /** postkeep / dovecot */
  readonly ratio: number | null;
  /** > 1: Postkeep better, whatever the direction. With rounds, the median of the rounds'
   *  advantages (each from two runs back to back) rather than the ratio of the two medians: drift of
   *  the machine between rounds then cancels out instead of landing on one server's median. */
  readonly advantage: number | null;
  /** With rounds: the advantage in each round (both servers' round i ran back to back). */
  readonly roundAdvantages: (number | null)[] | null;
  readonly note: string;
}

function figuresOf(result: ScenarioResult, server: string): Figure[] {
  const f = result.servers[server];
  return Array.isArray(f) ? f : [];
}

export function rows(result: ScenarioResult, baseline = 'dovecot'): Row[] {
  const pk = figuresOf(result, 'postkeep');
  const dv = figuresOf(result, baseline);
  const keys = [...new Set([...pk, ...dv].map((f) => f.key))];
  return keys.map((key) => {
    const a = pk.find((f) => f.key === key);
    const b = dv.find((f) => f.key === key);
    const f = (a ?? b) as Figure;
    const pv = a?.value ?? null;
    const dvv = b?.value ?? null;
    const ratio = pv !== null && dvv !== null && dvv !== 0 ? pv / dvv : null;
    const ofMedians = ratio === null || ratio === 0 ? null : f.better === 'higher' ? ratio : 1 / ratio;
    const errors = Object.entries(result.servers)
      .filter(([, v]) => !Array.isArray(v))
      .map(([k, v]) => `${k}: ${(v as { error: string }).error}`);
    const perRound = roundAdvantages(a, b);
    const paired = perRound?.filter((x): x is number => x !== null) ?? [];
    const advantage = paired.length > 0 ? median(paired) : ofMedians;
    // Whether a figure near 1 is consistently on one side shows here, not in the median.
    const roundsNote = perRound ? `rounds: ${perRound.map(show).join(' ')}` : undefined;
    const note = [...new Set([roundsNote, a?.note, b?.note, ...errors])].filter((x): x is string => Boolean(x)).join('; ');
    return { scenario: result.name, label: f.label, unit: f.unit, better: f.better, postkeep: pv, dovecot: dvv, ratio, advantage, roundAdvantages: perRound, note };
  });
}

function show(v: number | null): string {
  if (v === null || !Number.isFinite(v)) return 'n/a';
  return Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 10 ? v.toFixed(1) : v.toFixed(2);
}

export function verdict(r: Row): string {
  if (r.advantage === null) return '';
  return r.advantage >= 1 ? `Postkeep ${show(r.advantage)}x better` : `Postkeep ${show(1 / r.advantage)}x worse`;
}

export function markdownTable(result: ScenarioResult, baseline = 'dovecot'): string {
  const lines = [
    `| Figure | Unit | Better | Postkeep | ${baseline === 'dovecot' ? 'Dovecot' : baseline} | Ratio P/D | Verdict | Note |`,
    '| --- | --- | --- | ---: | ---: | ---: | --- | --- |',
  ];
  for (const r of rows(result, baseline)) {
    lines.push(`| ${r.label} | ${r.unit} | ${r.better} | ${show(r.postkeep)} | ${show(r.dovecot)} | ${show(r.ratio)} | ${verdict(r)} | ${r.note.replace(/\|/g, '/')} |`);
  }
  return lines.join('\n');
}

/** How the figures of a scenario were taken, when in rounds. */
function roundsText(result: ScenarioResult): string {
  const n = result.rounds ?? 1;
  return n > 1
    ? ` (median of ${n} alternating rounds; "rounds:" Postkeep's advantage in each, > 1 better; the verdict is the median of those)`
    : '';
}

export function printResult(result: ScenarioResult): void {
  const servers = Object.keys(result.servers);
  const baselines = servers.filter((s) => s !== 'postkeep' && s !== PG);
  console.log(`\n== ${result.title}${roundsText(result)}`);
  for (const base of baselines.length > 0 ? baselines : ['dovecot']) {
    if (baselines.length > 1) console.log(`-- against ${base}`);
    for (const r of rows(result, base)) {
      console.log(
        `  ${r.label.padEnd(46)} ${r.unit.padEnd(6)} postkeep ${show(r.postkeep).padStart(9)}  ${base.slice(0, 8)} ${show(r.dovecot).padStart(9)}  ratio ${show(r.ratio).padStart(6)} (${r.better} is better) ${verdict(r)}${r.note ? `  [${r.note}]` : ''}`,
      );
    }
  }
  printPg(result);
}

const START = '<!-- results:start (written by npm run bench) -->';
const END = '<!-- results:end -->';

export async function writeResults(run: RunResult, resultsDir: string): Promise<{ file: string; merged: RunResult; pgMerged: RunResult | null }> {
  await mkdir(resultsDir, { recursive: true });
  const file = join(resultsDir, `${run.date.replace(/[:.]/g, '-')}.json`);
  await writeFile(file, JSON.stringify(run, null, 2) + '\n');
  const merged = await mergeLatest(run, join(resultsDir, 'latest.json'));
  // latest-postgres.json: the same, for the scenarios run with postkeep-pg (a run without it keeps it).
  const withPg = run.scenarios.filter((s) => PG in s.servers);
  const pgMerged = withPg.length > 0 ? await mergeLatest({ ...run, scenarios: withPg }, join(resultsDir, 'latest-postgres.json')) : null;
  return { file, merged, pgMerged };
}

/** The newest result of every scenario (a --scenario run replaces only its own), written to latestPath. */
async function mergeLatest(run: RunResult, latestPath: string): Promise<RunResult> {
  let merged: RunResult = run;
  if (existsSync(latestPath)) {
    try {
      const old = JSON.parse(await readFile(latestPath, 'utf8')) as RunResult;
      const names = new Set(run.scenarios.map((s) => s.name));
      merged = { ...run, scenarios: [...old.scenarios.filter((s) => !names.has(s.name)), ...run.scenarios] };
    } catch {
      // unreadable: start over
    }
  }
  const order = ['login', 'append', 'lmtp', 'big-mailbox', 'search', 'flag-churn', 'idle', 'mixed'];
  merged = { ...merged, scenarios: [...merged.scenarios].sort((a, b) => order.indexOf(a.name) - order.indexOf(b.name)) };
  // RunResult.postgres: recomputed from the merged scenarios (present only when one has postkeep-pg).
  const { postgres: _old, ...rest } = merged;
  const pg = merged.scenarios.flatMap((s) => pgRows(s));
  merged = pg.length > 0 ? { ...rest, postgres: pg } : rest;
  await writeFile(latestPath, JSON.stringify(merged, null, 2) + '\n');
  return merged;
}

export function resultsMarkdown(run: RunResult): string {
  const out: string[] = [START, '', '## Latest results', ''];
  out.push('| Machine | |', '| --- | --- |');
  for (const [k, v] of Object.entries(run.machine)) out.push(`| ${k} | ${v} |`);
  out.push('');
  for (const s of run.scenarios) {
    const n = s.rounds ?? 1;
    const how = n > 1 ? ` Every figure is the median of ${n} alternating rounds (those noted "first round only": round 1); the note "rounds:" gives Postkeep's advantage in each round (> 1: Postkeep better), and the verdict is the median of those (Ratio P/D is of the two medians).` : '';
    out.push(`### ${s.title}`, '', `Run ${s.date}.${how}`, '');
    const others = Object.keys(s.servers).filter((x) => x !== 'postkeep' && x !== PG);
    for (const base of others.length > 0 ? others : ['dovecot']) {
      if (others.length > 1) out.push(`Against ${base}:`, '');
      out.push(markdownTable(s, base), '');
    }
  }
  const all = run.scenarios.flatMap((s) => rows(s)).filter((r) => r.advantage !== null && r.advantage > 0);
  all.sort((a, b) => (a.advantage ?? 0) - (b.advantage ?? 0));
  out.push('### Where Postkeep is furthest behind', '');
  for (const r of all.slice(0, 5)) out.push(`- ${r.scenario}: ${r.label} — ${verdict(r)}${r.roundAdvantages ? ` (rounds: ${r.roundAdvantages.map(show).join(' ')})` : ''}`);
  out.push('', END);
  return out.join('\n');
}

/** pgRun: the PostgreSQL comparison to write into its own section (null: leave that section alone). */
export async function updateDoc(docPath: string, run: RunResult, pgRun: RunResult | null = null): Promise<void> {
  let text = existsSync(docPath) ? await readFile(docPath, 'utf8') : `# Benchmarks\n\n${START}\n${END}\n`;
  text = replaceSection(text, START, END, resultsMarkdown(run));
  if (pgRun) text = replaceSection(text, PG_START, PG_END, pgMarkdown(pgRun));
  await writeFile(docPath, text);
}
