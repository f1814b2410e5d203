// Seeds Dovecot by writing Maildir files directly (fast, and the same bytes as Postkeep gets):
// cur/<time>.M<i>Q1.bench,S=<size>,W=<size>:2,<flags> with mtime = INTERNALDATE, plus a
// dovecot-uidlist that gives message i UID i, so "FETCH n" is the same message on both servers.
// Dovecot builds its index on the first SELECT (measured as the cold SELECT).
import { randomBytes } from 'node:crypto';
import { mkdir, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { flagsOf, internalDate, seededMessage } from '../load/messages.js';

const MAILDIR_FLAG: Record<string, string> = { '\\Seen': 'S', '\\Flagged': 'F', '\\Answered': 'R', '\\Deleted': 'T', '\\Draft': 'D' };

export async function writeMaildir(maildir: string, count: number, progress: (done: number) => void): Promise<void> {
  for (const sub of ['cur', 'new', 'tmp']) await mkdir(join(maildir, sub), { recursive: true });
  const uidlist: string[] = [`3 V${Math.floor(Date.now() / 1000)} N${count + 1} G${randomBytes(16).toString('hex')}\n`];
  const CONCURRENCY = 64;
  let next = 1;
  const worker = async (): Promise<void> => {
    while (next <= count) {
      const i = next++;
      const bytes = seededMessage(i);
      const when = internalDate(i);
      const base = `${Math.floor(when / 1000)}.M${i}Q1.bench,S=${bytes.length},W=${bytes.length}`;
      const flags = flagsOf(i)
        .map((f) => MAILDIR_FLAG[f] ?? '')
        .sort()
        .join('');
      const path = join(maildir, 'cur', `${base}:2,${flags}`);
      await writeFile(path, bytes);
      await utimes(path, when / 1000, when / 1000);
      uidlist[i] = `${i} :${base}\n`;
      if (i % 20_000 === 0) progress(i);
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  await writeFile(join(maildir, 'dovecot-uidlist'), uidlist.join(''));
}
