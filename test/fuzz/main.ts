// `npm run fuzz -- --seconds N [--seed S]`: the long fuzz run (see live.ts); prints the iterations.
import { runFuzz, FuzzFailure } from './live.js';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : fallback;
  if (!Number.isFinite(v) || v < 0) throw new Error(`--${name} needs a number`);
  return v;
}

const seconds = arg('seconds', 60);
const seed = arg('seed', Date.now() % 1_000_000_000);
const started = Date.now();
console.log(`fuzzing for ${seconds} s, seed ${seed}`);
let last = 0;
try {
  const stats = await runFuzz({
    seed,
    seconds,
    progress: (s) => {
      if (Date.now() - last < 30_000) return;
      last = Date.now();
      console.log(`${Math.round((Date.now() - started) / 1000)} s: ${JSON.stringify(s)}`);
    },
  });
  console.log(`done in ${Math.round((Date.now() - started) / 1000)} s: ${JSON.stringify(stats)} (seed ${seed})`);
} catch (err) {
  console.error(err instanceof FuzzFailure ? `FUZZ FAILURE (seed ${seed}):\n${err.message}` : err);
  process.exit(1);
}
