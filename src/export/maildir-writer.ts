// Maildir++ export: INBOX at the root, ".Folder.Sub" for the others. Each message is written to
// tmp/ and renamed into cur/ (the Maildir protocol), with its flags in the info part (sorted
// letters), its keywords as Dovecot's letters a-z listed in the folder's dovecot-keywords, its
// mtime set to the internal date, and its bytes exactly as stored. Dovecot's ",S=<size>" is in
// the name so Dovecot need not stat the file; a dovecot-uidlist keeps the UID order.
import { mkdirSync, writeFileSync } from 'node:fs';
import { rename, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { formatUidlist } from '../import/dovecot-uidlist.js';
import { lettersForFlags, MAX_KEYWORD_LETTERS } from '../import/maildir-flags.js';
import type { Mailbox, MessageMeta } from '../store/types.js';
import { maildirPlusPlusDir } from './maildir-names.js';
import type { ExportWriter } from './writer.js';

interface Current {
  readonly dir: string;
  readonly mailbox: Mailbox;
  /** keyword (lower case) -> letter index, in order of first use */
  readonly keywords: Map<string, number>;
  /** index -> keyword as stored */
  readonly names: string[];
  readonly unmapped: Set<string>;
  readonly uids: Array<readonly [number, string]>;
}

export class MaildirWriter implements ExportWriter {
  private current: Current | null = null;

  constructor(private readonly root: string) {}

  beginMailbox(mailbox: Mailbox): Promise<void> {
    const sub = maildirPlusPlusDir(mailbox.name);
    const dir = sub === null ? this.root : join(this.root, sub);
    for (const d of ['cur', 'new', 'tmp']) mkdirSync(join(dir, d), { recursive: true, mode: 0o700 });
    if (sub !== null) writeFileSync(join(dir, 'maildirfolder'), ''); // Maildir++ marks subfolders so
    this.current = { dir, mailbox, keywords: new Map(), names: [], unmapped: new Set(), uids: [] };
    return Promise.resolve();
  }

  async writeMessage(meta: MessageMeta, bytes: Buffer, note: (text: string) => void): Promise<void> {
    const current = this.current;
    if (current === null) throw new Error('writeMessage before beginMailbox');
    for (const flag of meta.flags) {
      const lower = flag.toLowerCase();
      if (flag.startsWith('\\') || lower === '$forwarded' || current.keywords.has(lower)) continue;
      if (current.names.length < MAX_KEYWORD_LETTERS) {
        current.keywords.set(lower, current.names.length);
        current.names.push(flag);
      }
    }
    const { letters, unmapped } = lettersForFlags(meta.flags, current.keywords);
    for (const keyword of unmapped) {
      if (current.unmapped.has(keyword.toLowerCase())) continue;
      current.unmapped.add(keyword.toLowerCase());
      note(`"${current.mailbox.name}": the keyword "${keyword}" is left out: Maildir has letters for ${MAX_KEYWORD_LETTERS} keywords per folder`);
    }
    const seconds = Math.floor(meta.internalDate / 1000);
    const base = `${seconds}.U${meta.uid}V${current.mailbox.uidValidity}.postkeep,S=${bytes.length}`;
    const temp = join(current.dir, 'tmp', base);
    const final = join(current.dir, 'cur', `${base}:2,${letters}`);
    await writeFile(temp, bytes, { flag: 'wx', mode: 0o600 });
    const mtime = meta.internalDate / 1000;
    await utimes(temp, mtime, mtime);
    await rename(temp, final);
    current.uids.push([meta.uid, base]);
  }

  endMailbox(): Promise<void> {
    const current = this.current;
    this.current = null;
    if (current === null) return Promise.resolve();
    if (current.names.length > 0) {
      writeFileSync(join(current.dir, 'dovecot-keywords'), current.names.map((name, i) => `${i} ${name}\n`).join(''));
    }
    const uidNext = Math.max(current.mailbox.uidNext, (current.uids[current.uids.length - 1]?.[0] ?? 0) + 1);
    writeFileSync(join(current.dir, 'dovecot-uidlist'), formatUidlist(current.mailbox.uidValidity, uidNext, current.uids));
    return Promise.resolve();
  }
}
