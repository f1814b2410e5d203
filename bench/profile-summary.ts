// Summarizes a V8 .cpuprofile (from `node --cpu-prof`): self time per function, highest first.
// Run: node dist/bench/profile-summary.js FILE.cpuprofile [TOP]
import { readFileSync } from 'node:fs';

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
}
interface Profile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

export function selfTimes(profile: Profile): Array<{ name: string; ms: number; share: number }> {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<string, number>();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const dt = (profile.timeDeltas[i] ?? 0) / 1000;
    const f = byId.get(id)?.callFrame;
    const where = f?.url ? `${f.url.replace(/^file:\/\/.*?\/(dist|node_modules)\//, '$1/')}:${f.lineNumber + 1}` : '';
    const name = `${f?.functionName || '(anonymous)'} ${where}`.trim();
    self.set(name, (self.get(name) ?? 0) + dt);
    total += dt;
  });
  return [...self.entries()].map(([name, ms]) => ({ name, ms, share: ms / total })).sort((a, b) => b.ms - a.ms);
}

const file = process.argv[2];
if (file) {
  const top = Number(process.argv[3] ?? 25);
  const rows = selfTimes(JSON.parse(readFileSync(file, 'utf8')) as Profile);
  const total = rows.reduce((s, r) => s + r.ms, 0);
  console.log(`total sampled ${(total / 1000).toFixed(1)} s`);
  for (const r of rows.slice(0, top)) console.log(`${(r.share * 100).toFixed(1).padStart(5)}%  ${r.ms.toFixed(0).padStart(7)} ms  ${r.name}`);
}
