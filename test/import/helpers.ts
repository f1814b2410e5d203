// Shared by the import and export tests: a fresh store in a temp dir, a silent progress, and the
// store's contents in a comparable shape.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runImport, type ImportSummary } from '../../src/import/importer.js';
import { Progress } from '../../src/import/progress.js';
import type { ImportSource } from '../../src/import/source.js';
import { analyzeMessage } from '../../src/mime/analyze.js';
import { openSqliteStore } from '../../src/store/sqlite/index.js';
import type { Store } from '../../src/store/types.js';

export function tempDir(prefix = 'postkeep-import-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export async function openStore(dataDir = tempDir('postkeep-store-')): Promise<Store> {
  return openSqliteStore({ dataDir, analyze: analyzeMessage, fsync: false });
}

export function quietProgress(notes: string[] = []): Progress {
  return new Progress({ out: { write: (text: string) => (text.trim() === '' ? true : notes.push(text.trim())) }, now: () => 0 });
}

export async function importInto(store: Store, login: string, source: ImportSource, notes: string[] = [], maxMessageBytes = 1 << 20): Promise<ImportSummary> {
  const account = (await store.findAccount(login)) ?? (await store.createAccount(login, 'x'));
  return runImport(source, { store, accountId: account.id, progress: quietProgress(notes), maxMessageBytes });
}

export interface StoredMessage {
  readonly bytes: string;
  readonly flags: readonly string[];
  readonly internalDate: number;
}

/** mailbox name -> messages in UID order (bytes as latin1 text, flags sorted). */
export async function contents(store: Store, login: string): Promise<Record<string, StoredMessage[]>> {
  const account = await store.findAccount(login);
  if (account === null) throw new Error(`no account ${login}`);
  const out: Record<string, StoredMessage[]> = {};
  for (const mailbox of await store.listMailboxes(account.id)) {
    const list: StoredMessage[] = [];
    for (const meta of await store.listMessages(mailbox.id)) {
      list.push({
        bytes: (await store.readMessage(meta.blobId)).toString('latin1'),
        flags: [...meta.flags].sort(),
        internalDate: meta.internalDate,
      });
    }
    out[mailbox.name] = list;
  }
  return out;
}
