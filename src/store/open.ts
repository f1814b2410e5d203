// The one place that turns [store] into a Store: the server and every CLI command open it here, so
// that each works with either store.
import type { Config } from '../config/types.js';
import { openPostgresStore } from './postgres/index.js';
import { openSqliteStore } from './sqlite/index.js';
import type { MessageAnalyzer, Store } from './types.js';

export interface OpenStoreOptions {
  /** src/mime/analyze.ts's analyzeMessage (injected: the store layer does not import the MIME parser). */
  readonly analyze: MessageAnalyzer;
  /** Hear of other processes' changes (default true; one-shot CLI commands turn it off): PostgreSQL
   *  LISTENs for other nodes' NOTIFY, SQLite polls for other connections' commits. */
  readonly listen?: boolean;
  /** PostgreSQL: the LISTEN connection was lost and is being retried (for the log). */
  readonly onProblem?: (err: Error, retryInMs: number) => void;
}

export function openStore(config: Config, options: OpenStoreOptions): Promise<Store> {
  const store = config.store;
  switch (store.kind) {
    case 'sqlite':
      return openSqliteStore({ dataDir: config.dataDir, analyze: options.analyze, mmap: store.mmap, listen: options.listen ?? true });
    case 'postgres':
      if (store.url === null) throw new Error('[store] kind = "postgres" needs url (config validation should have caught it)');
      return openPostgresStore({
        url: store.url,
        poolSize: store.poolSize,
        analyze: options.analyze,
        listen: options.listen ?? true,
        ...(options.onProblem ? { onProblem: options.onProblem } : {}),
      });
  }
}
