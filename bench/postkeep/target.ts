// Postkeep on its embedded store as a benchmark target: seeded through the store in-process without
// fsync (seeding is not what is measured), then served from the same data dir by
// bench/postkeep/serve.ts in a child process.
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { analyzeMessage } from '../../src/mime/analyze.js';
import { openSqliteStore } from '../../src/store/sqlite/index.js';
import type { SeedPlan, ServerKind } from '../target.js';
import { startPostkeep } from './process.js';
import { seedStore } from './seed.js';

async function seed(dir: string, plan: SeedPlan, log: (line: string) => void): Promise<number> {
  const t0 = performance.now();
  const store = await openSqliteStore({ dataDir: join(dir, 'data'), analyze: analyzeMessage, fsync: false });
  try {
    await seedStore(store, plan, log, 'postkeep');
  } finally {
    await store.close();
  }
  return (performance.now() - t0) / 1000;
}

export const postkeep: ServerKind = {
  name: 'postkeep',
  seed,
  start: (dir, options) => startPostkeep('postkeep', dir, options),
  version: () => Promise.resolve('0.1.0 (this tree)'),
};
