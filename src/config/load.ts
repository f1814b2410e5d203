// Reads the TOML file named by --config / POSTKEEP_CONFIG; with none, the defaults.
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parse, TomlError } from 'smol-toml';
import { configFromObject } from './from-object.js';
import { ConfigError, type Config } from './types.js';

export function loadConfig(path: string | null): Config {
  if (path === null) return configFromObject({});
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new ConfigError(`Config file ${path} does not exist`);
    throw new ConfigError(`Cannot read config file ${path}: ${(err as Error).message}`);
  }
  let parsed: unknown;
  try {
    parsed = parse(text);
  } catch (err) {
    if (err instanceof TomlError) {
      // smol-toml's first line is "Invalid TOML document: <what>"; line and column say where.
      const what = (err.message.split('\n')[0] ?? '').replace(/^Invalid TOML document: /, '');
      throw new ConfigError(`${path}: invalid TOML at line ${err.line}, column ${err.column}: ${what}`);
    }
    throw err;
  }
  // Relative paths in the file mean "next to the file", whatever directory the server starts in.
  return configFromObject(parsed, path, { baseDir: dirname(resolve(path)) });
}
