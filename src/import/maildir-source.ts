// A Maildir as an import source: folders from maildir-layout.ts, then each folder's cur/ and new/
// file by file (only the list of names is held). Flags come from the info part of the file name and
// the folder's dovecot-keywords file; the internal date from the file's mtime. Files are taken in
// UID order where Dovecot's dovecot-uidlist knows them, then in name order (numbers compared as
// numbers), which is delivery order for names that start with the delivery time (the Maildir spec).
import { readdirSync, readFileSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { baseName, parseUidlist } from './dovecot-uidlist.js';
import { findMaildirFolders, type MaildirFolder } from './maildir-layout.js';
import { flagsFromFileName, parseDovecotKeywords } from './maildir-flags.js';
import type { ImportSource, SourceItem } from './source.js';

const SUBDIRS = ['cur', 'new'] as const;

interface Entry {
  readonly sub: (typeof SUBDIRS)[number];
  readonly name: string;
}

function listEntries(dir: string): Entry[] {
  const entries: Entry[] = [];
  for (const sub of SUBDIRS) {
    let names: string[];
    try {
      names = readdirSync(join(dir, sub));
    } catch {
      continue; // a maildir may lack new/ or cur/
    }
    for (const name of names) if (!name.startsWith('.')) entries.push({ sub, name });
  }
  let uids = new Map<string, number>();
  try {
    uids = parseUidlist(readFileSync(join(dir, 'dovecot-uidlist'), 'utf8'));
  } catch {
    // no uidlist: name order
  }
  const uidOf = (e: Entry): number => uids.get(baseName(e.name)) ?? Number.MAX_SAFE_INTEGER;
  return entries.sort((a, b) => uidOf(a) - uidOf(b) || compareMaildirNames(a.name, b.name));
}

/** Name order with the leading number (the delivery time) compared as a number. */
export function compareMaildirNames(a: string, b: string): number {
  const na = /^\d+/.exec(a)?.[0];
  const nb = /^\d+/.exec(b)?.[0];
  if (na !== undefined && nb !== undefined && na.length !== nb.length) return na.length - nb.length;
  return a < b ? -1 : a > b ? 1 : 0;
}

function keywordsOf(dir: string): Map<number, string> {
  try {
    return parseDovecotKeywords(readFileSync(join(dir, 'dovecot-keywords'), 'utf8'));
  } catch {
    return new Map();
  }
}

export function maildirSource(root: string, maxMessageBytes: number): ImportSource & { readonly folders: readonly MaildirFolder[] } {
  const folders = findMaildirFolders(root);
  // Count first (names only) so that the progress line can show an ETA.
  let count = 0;
  for (const folder of folders) count += listEntries(folder.dir).length;

  async function* items(): AsyncGenerator<SourceItem> {
    for (const folder of folders) {
      yield { kind: 'folder', mailbox: folder.name };
      const keywords = keywordsOf(folder.dir);
      for (const entry of listEntries(folder.dir)) {
        const path = join(folder.dir, entry.sub, entry.name);
        const label = path;
        let bytes: Buffer;
        let mtimeMs: number;
        try {
          const info = await stat(path);
          if (!info.isFile()) continue;
          if (info.size > maxMessageBytes) {
            yield { kind: 'failed', mailbox: folder.name, label, reason: `${info.size} bytes is larger than the limit of ${maxMessageBytes}` };
            continue;
          }
          mtimeMs = info.mtimeMs;
          bytes = await readFile(path);
        } catch (err) {
          const code = (err as NodeJS.ErrnoException).code;
          // Another program (a running Dovecot) may move a file from new/ to cur/ meanwhile.
          if (code === 'ENOENT') {
            yield { kind: 'failed', mailbox: folder.name, label, reason: 'the file went away while importing' };
          } else {
            yield { kind: 'failed', mailbox: folder.name, label, reason: `cannot read it (${code ?? String(err)})` };
          }
          continue;
        }
        if (bytes.length === 0) {
          yield { kind: 'failed', mailbox: folder.name, label, reason: 'the file is empty' };
          continue;
        }
        yield {
          kind: 'message',
          mailbox: folder.name,
          label,
          bytes,
          // A file in new/ has not been seen by any client; normally it has no info part at all.
          flags: flagsFromFileName(entry.name, keywords).filter((f) => entry.sub === 'cur' || f !== '\\Seen'),
          internalDate: Math.floor(mtimeMs / 1000) * 1000,
        };
      }
    }
  }
  return { folders, items: items(), total: () => ({ messages: count }) };
}
