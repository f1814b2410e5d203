// Finds the folders of a Maildir: Maildir++ (PATH/cur,new = INBOX; PATH/.Folder.Sub = "Folder/Sub")
// and plain trees (PATH/Folder/Sub/{cur,new,tmp}), both at once so that mixed trees work too.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { storeName } from './folder-names.js';

export interface MaildirFolder {
  /** Store name (UTF-8, "/" delimiter). */
  readonly name: string;
  /** The directory that holds cur/ and new/. */
  readonly dir: string;
}

/** A directory is a maildir when it has cur/ or new/. */
export function isMaildir(dir: string): boolean {
  return isDir(join(dir, 'cur')) || isDir(join(dir, 'new'));
}

function isDir(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

const NOT_FOLDERS = new Set(['cur', 'new', 'tmp']);

/** Every folder under root, INBOX first, then by name. */
export function findMaildirFolders(root: string): MaildirFolder[] {
  const found: MaildirFolder[] = [];
  if (isMaildir(root)) found.push({ name: 'INBOX', dir: root });
  const walk = (dir: string, parts: readonly string[]): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      if (!entry.isDirectory() || NOT_FOLDERS.has(entry.name)) continue;
      const path = join(dir, entry.name);
      if (entry.name.startsWith('.')) {
        // Maildir++: only at the top, ".Folder.Sub" with "." as the separator.
        if (parts.length === 0 && entry.name !== '.' && entry.name !== '..' && isMaildir(path)) {
          const levels = entry.name.slice(1).split('.');
          if (levels.every((l) => l !== '')) found.push({ name: storeName(levels), dir: path });
        }
        continue;
      }
      const levels = [...parts, entry.name];
      if (isMaildir(path)) found.push({ name: storeName(levels), dir: path });
      walk(path, levels);
    }
  };
  walk(root, []);
  return found.sort((a, b) => (a.name === 'INBOX' ? -1 : b.name === 'INBOX' ? 1 : a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
