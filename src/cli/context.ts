// What every subcommand needs: the configuration named by --config / POSTKEEP_CONFIG, and the store.
import { mkdir } from 'node:fs/promises';
import type { Command } from 'commander';
import { loadConfig } from '../config/load.js';
import type { Config } from '../config/types.js';
import { analyzeMessage } from '../mime/analyze.js';
import { openStore } from '../store/open.js';
import type { Store } from '../store/types.js';

export function configOf(command: Command): Config {
  const { config } = command.optsWithGlobals<{ config?: string }>();
  return loadConfig(config ?? null);
}

/** Opens the configured store beside a running server (SQLite WAL, or PostgreSQL, lets both work),
 *  runs `work`, closes it. No LISTEN: a one-shot command only announces its own changes (NOTIFY). */
export async function withStore<T>(config: Config, work: (store: Store) => Promise<T>): Promise<T> {
  if (config.store.kind === 'sqlite') await mkdir(config.dataDir, { recursive: true, mode: 0o700 }); // it holds everyone's mail
  const store = await openStore(config, { analyze: analyzeMessage, listen: false });
  try {
    return await work(store);
  } finally {
    await store.close();
  }
}
