// The searchable header text per content in the SQLite store (blobs.search_headers, schema version 4;
// src/store/search-header-text.ts says what it holds), and the SQL function that backfilled it.
import type Database from 'better-sqlite3';
import type { MessageSummary } from '../../mime/types.js';
import { searchHeaderText } from '../search-header-text.js';

export { searchHeaderText };

/** SQL function for the migration's backfill: summary JSON -> search header text. */
export function registerSearchHeaderFunction(db: Database.Database): void {
  db.function('postkeep_search_headers', { deterministic: true }, (summary: unknown) =>
    // NULL for a damaged summary: the migration goes on, `postkeep check --repair` rewrites it later.
    typeof summary === 'string' ? searchHeaderTextOrNull(summary) : null,
  );
}

function searchHeaderTextOrNull(summary: string): string | null {
  try {
    return searchHeaderText(JSON.parse(summary) as MessageSummary);
  } catch {
    return null;
  }
}
