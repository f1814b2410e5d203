// Reads one table of the parsed TOML: unknown keys and wrong types become ConfigErrors that name
// the key path, so a typo is reported instead of silently falling back to a default.
import { ConfigError } from './types.js';

export type Table = Record<string, unknown>;

const TOP_LEVEL_KEYS: readonly string[] = ['data_dir'];

export function isTable(value: unknown): value is Table {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date);
}

/** How a value looks in a message: strings quoted, tables and arrays named. */
export function show(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) return 'an array';
  if (isTable(value)) return 'a table';
  return String(value);
}

export class TableReader {
  constructor(
    private readonly table: Table,
    /** "imap.limits", or "" for the top level */
    readonly path: string,
    readonly source: string | undefined,
  ) {}

  /** Throws on the first key that is not in `allowed`. */
  checkKeys(allowed: readonly string[]): void {
    for (const key of Object.keys(this.table)) {
      if (!allowed.includes(key)) {
        const where = this.source === undefined ? '' : ` in ${this.source}`;
        // TOML puts every key after a [table] header into that table: a classic slip for data_dir.
        const hint = this.path !== '' && TOP_LEVEL_KEYS.includes(key) ? ` (top-level keys such as ${key} go before the first [table])` : '';
        throw new ConfigError(`Unknown key ${this.keyPath(key)}${where}; allowed: ${allowed.join(', ')}${hint}`);
      }
    }
  }

  keyPath(key: string): string {
    return this.path === '' ? key : `${this.path}.${key}`;
  }

  fail(keyPath: string, what: string): never {
    throw new ConfigError(this.source === undefined ? `${keyPath}: ${what}` : `${this.source}: ${keyPath}: ${what}`);
  }

  has(key: string): boolean {
    return this.table[key] !== undefined;
  }

  /** The sub-table `key` (an empty one when absent). */
  table_(key: string): TableReader {
    const value = this.table[key];
    if (value === undefined) return new TableReader({}, this.keyPath(key), this.source);
    if (!isTable(value)) this.fail(this.keyPath(key), `expected a table ([${this.keyPath(key)}]), got ${show(value)}`);
    return new TableReader(value, this.keyPath(key), this.source);
  }

  string(key: string, fallback: string): string {
    const value = this.table[key];
    if (value === undefined) return fallback;
    if (typeof value !== 'string' || value === '') this.fail(this.keyPath(key), `expected a non-empty string, got ${show(value)}`);
    return value;
  }

  optionalString(key: string): string | null {
    const value = this.table[key];
    if (value === undefined) return null;
    if (typeof value !== 'string' || value === '') this.fail(this.keyPath(key), `expected a non-empty string, got ${show(value)}`);
    return value;
  }

  oneOf<T extends string>(key: string, allowed: readonly T[], fallback: T): T {
    const value = this.table[key];
    if (value === undefined) return fallback;
    const found = allowed.find((a) => a === value);
    if (found === undefined) {
      this.fail(this.keyPath(key), `${show(value)} is not one of ${allowed.map((a) => JSON.stringify(a)).join(', ')}`);
    }
    return found;
  }

  /** An array of strings, each checked by `check` (which returns what is wrong, or null). */
  stringArray(key: string, fallback: readonly string[], check: (item: string) => string | null): readonly string[] {
    const value = this.table[key];
    if (value === undefined) return fallback;
    if (!Array.isArray(value)) this.fail(this.keyPath(key), `expected an array of strings, got ${show(value)}`);
    return value.map((item: unknown, i) => {
      const itemPath = `${this.keyPath(key)}[${i}]`;
      if (typeof item !== 'string') this.fail(itemPath, `expected a string, got ${show(item)}`);
      const problem = check(item);
      if (problem !== null) this.fail(itemPath, problem);
      return item;
    });
  }

  /** The value as parsed, unchecked (for keys with their own rules). */
  raw(key: string): unknown {
    return this.table[key];
  }

  boolean(key: string, fallback: boolean): boolean {
    const value = this.table[key];
    if (value === undefined) return fallback;
    if (typeof value !== 'boolean') this.fail(this.keyPath(key), `expected true or false, got ${show(value)}`);
    return value;
  }

  integer(key: string, fallback: number, min: number, why: string): number {
    const value = this.table[key];
    if (value === undefined) return fallback;
    if (typeof value !== 'number' || !Number.isSafeInteger(value)) {
      this.fail(this.keyPath(key), `expected a whole number, got ${show(value)}`);
    }
    if (value < min) this.fail(this.keyPath(key), `${value} is below the minimum ${min} (${why})`);
    return value;
  }
}
