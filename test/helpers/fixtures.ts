// Paths of test fixtures, valid from the compiled dist/test tree too.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Absolute path of a file under test/fixtures. */
export function fixturePath(...parts: string[]): string {
  return join(fileURLToPath(new URL('../../../test/fixtures/', import.meta.url)), ...parts);
}

export async function readFixture(...parts: string[]): Promise<Buffer> {
  return readFile(fixturePath(...parts));
}

/** The repository root. */
export function repoRoot(): string {
  return fileURLToPath(new URL('../../../', import.meta.url));
}
