// Postkeep on the PostgreSQL store as a benchmark target ("postkeep-pg"): a throwaway database per
// run (bench/postgres/database.ts), seeded through the store with MULTIAPPEND batches while the
// database has synchronous_commit off (seeding is not measured), then the server child runs with
// [store] kind = "postgres" and the server's own durability settings. cleanup() drops the database.
import { performance } from 'node:perf_hooks';
import { analyzeMessage } from '../../src/mime/analyze.js';
import { openPostgresStore } from '../../src/store/postgres/index.js';
import { createBenchDatabase, type BenchDatabase } from '../postgres/database.js';
import type { ServerKind } from '../target.js';
import { startPostkeep } from './process.js';
import { seedStore } from './seed.js';

export interface PgTargetOptions {
  /** Maintenance database URL of the server to use; absent: found on this machine. */
  readonly url?: string;
  /** [store] pool_size of the measured server. */
  readonly poolSize: number;
  /** Messages per appendMessages transaction while seeding. */
  readonly seedBatch: number;
}

export function postkeepPg(options: PgTargetOptions): ServerKind {
  const databases = new Map<string, BenchDatabase>();
  const database = (dir: string): BenchDatabase => {
    const db = databases.get(dir);
    if (!db) throw new Error('postkeep-pg: no database seeded for this run');
    return db;
  };
  return {
    name: 'postkeep-pg',
    seed: async (dir, plan, log) => {
      const t0 = performance.now();
      const db = await createBenchDatabase(options.url);
      databases.set(dir, db);
      log(`  postkeep-pg: database ${db.name}`);
      await db.setFastSeeding(true);
      const store = await openPostgresStore({ url: db.url, analyze: analyzeMessage, poolSize: 4, listen: false });
      try {
        await seedStore(store, plan, log, 'postkeep-pg', options.seedBatch);
      } finally {
        await store.close();
        await db.setFastSeeding(false);
      }
      // A settled database, as after autovacuum: planner statistics and visibility map of the bulk load.
      await db.vacuumAnalyze();
      return (performance.now() - t0) / 1000;
    },
    start: (dir, startOptions) => startPostkeep('postkeep-pg', dir, startOptions, { kind: 'postgres', url: database(dir).url, pool_size: options.poolSize }),
    cleanup: async (dir) => {
      const db = databases.get(dir);
      databases.delete(dir);
      await db?.drop();
    },
    version: () => Promise.resolve('0.1.0 (this tree), PostgreSQL store'),
  };
}
