// [store]: which store holds the mail. "sqlite" (default) lives in data_dir; "postgres" is one
// PostgreSQL database that any number of Postkeep nodes share (README "Running several nodes").
import type { TableReader } from './reader.js';
import { storeKinds, type Config } from './types.js';

export function readStore(table: TableReader, defaultPoolSize: number): Config['store'] {
  table.checkKeys(['kind', 'url', 'pool_size', 'mmap']);
  const kind = table.oneOf('kind', storeKinds, 'sqlite');
  const url = table.optionalString('url');
  if (kind === 'sqlite' && url !== null) table.fail('store.url', 'is only for kind = "postgres" (the sqlite store lives in data_dir)');
  // Checked for sqlite too (where it is unused), so a value is valid before kind is switched.
  // Above a few hundred connections PostgreSQL itself suffers (one process each); more nodes is the way.
  const poolSize = table.integer('pool_size', defaultPoolSize, 1, 'at least one connection');
  if (poolSize > 500) table.fail('store.pool_size', `${poolSize} is above the maximum 500 (PostgreSQL runs one process per connection)`);
  // The sqlite store's memory map for message bytes (src/store/sqlite/mapped-reader.ts); off, a disk
  // read error is a failed command rather than a stopped process.
  const mmap = table.boolean('mmap', true);
  if (kind === 'sqlite') return { kind, url: null, poolSize, mmap };
  if (url === null) table.fail('store.url', 'is required with kind = "postgres" (e.g. "postgres://postkeep:secret@db.example.org/postkeep")');
  if (!/^postgres(ql)?:\/\//.test(url)) table.fail('store.url', `${JSON.stringify(url.replace(/:[^:@/]*@/, ':***@'))} is not a postgres:// or postgresql:// URL`);
  return { kind, url, poolSize, mmap };
}
