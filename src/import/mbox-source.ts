// mbox files as an import source. PATH is one mbox file (imported into --mailbox, or the mailbox
// named after the file) or a directory of them: each file is a folder named by its path below PATH
// without ".mbox" (Thunderbird's "Folder.sbd/" subfolder directories become "Folder/"), "inbox" in
// any case is INBOX. A file in such a directory that does not start with "From " is noted and left
// alone (Thunderbird keeps .msf indexes and other files there).
import { createReadStream } from 'node:fs';
import { open, readdir, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { storeName } from './folder-names.js';
import { readMboxHeaders } from './mbox-headers.js';
import { MboxFormatError, MboxReader } from './mbox-reader.js';
import type { ImportSource, SourceItem } from './source.js';

interface MboxFile {
  readonly path: string;
  readonly mailbox: string;
  readonly size: number;
}

const IGNORED = /(\.msf|\.dat|\.json|\.sqlite|\.html|\.lock)$/i;

function mailboxFor(parts: readonly string[]): string {
  const levels = parts.map((p, i) => (i === parts.length - 1 ? p.replace(/\.mbox$/i, '') : p.replace(/\.sbd$/i, '')));
  return storeName(levels);
}

async function startsWithFrom(path: string): Promise<boolean | 'empty'> {
  const handle = await open(path, 'r');
  try {
    const head = Buffer.alloc(5);
    const { bytesRead } = await handle.read(head, 0, 5, 0);
    if (bytesRead === 0) return 'empty';
    return head.toString('latin1', 0, bytesRead) === 'From ';
  } finally {
    await handle.close();
  }
}

async function findFiles(root: string, notes: string[]): Promise<MboxFile[]> {
  const files: MboxFile[] = [];
  const walk = async (dir: string, parts: readonly string[]): Promise<void> => {
    const entries = (await readdir(dir, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : 1));
    for (const entry of entries) {
      if (entry.name.startsWith('.')) continue;
      const path = join(dir, entry.name);
      if (entry.isDirectory()) await walk(path, [...parts, entry.name]);
      else if (entry.isFile() && !IGNORED.test(entry.name)) {
        const kind = await startsWithFrom(path);
        if (kind === false) notes.push(`not an mbox file (no "From " line at the start), left alone: ${path}`);
        else files.push({ path, mailbox: mailboxFor([...parts, entry.name]), size: (await stat(path)).size });
      }
    }
  };
  await walk(root, []);
  return files;
}

export class NotMboxError extends Error {}

export interface MboxSource extends ImportSource {
  /** The most bytes any of the readers held at once (for the streaming test). */
  maxBufferedBytes(): number;
}

export async function mboxSource(path: string, maxMessageBytes: number, mailbox: string | null): Promise<MboxSource> {
  const notes: string[] = [];
  let files: MboxFile[];
  const info = await stat(path);
  if (info.isDirectory()) {
    files = await findFiles(path, notes);
  } else {
    if ((await startsWithFrom(path)) === false) throw new NotMboxError(`${path} is not an mbox file: it does not start with a "From " line`);
    files = [{ path, mailbox: mailbox ?? mailboxFor([basename(path)]), size: info.size }];
  }
  const totalBytes = files.reduce((sum, f) => sum + f.size, 0);
  let doneBytes = 0;
  let reader: MboxReader | null = null;
  let maxBuffered = 0;

  async function* items(): AsyncGenerator<SourceItem> {
    for (const text of notes) yield { kind: 'note', text };
    for (const file of files) {
      yield { kind: 'folder', mailbox: file.mailbox };
      reader = new MboxReader({ maxMessageBytes });
      try {
        for await (const item of reader.read(createReadStream(file.path, { highWaterMark: 64 * 1024 }))) {
          const label = `${file.path} message #${item.index}`;
          if (item.kind === 'tooBig') {
            yield { kind: 'failed', mailbox: file.mailbox, label, reason: `${item.size} bytes is larger than the limit of ${maxMessageBytes}` };
            continue;
          }
          const headers = readMboxHeaders(item.bytes);
          if (headers.folderInternal && item.index === 1) continue; // UW-IMAP/Dovecot folder data, no mail
          if (headers.bytes.length === 0) {
            yield { kind: 'failed', mailbox: file.mailbox, label, reason: 'the message is empty' };
            continue;
          }
          yield { kind: 'message', mailbox: file.mailbox, label, bytes: headers.bytes, flags: headers.flags, internalDate: item.date };
        }
      } catch (err) {
        const reason = err instanceof MboxFormatError ? err.message : `cannot read it (${(err as NodeJS.ErrnoException).code ?? String(err)})`;
        yield { kind: 'failed', mailbox: file.mailbox, label: file.path, reason };
      }
      doneBytes += file.size;
      maxBuffered = Math.max(maxBuffered, reader.maxBufferedBytes);
      reader = null;
    }
  }
  return {
    items: items(),
    total: () => ({ bytes: totalBytes, done: doneBytes + (reader?.bytesRead ?? 0) }),
    maxBufferedBytes: () => Math.max(maxBuffered, reader?.maxBufferedBytes ?? 0),
  };
}
