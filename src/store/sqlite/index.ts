export { openSqliteStore, SqliteStore, DATABASE_FILE, BLOB_DIR, type SqliteStoreOptions } from './sqlite-store.js';
