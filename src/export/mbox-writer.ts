// mbox export (mboxrd): one file per mailbox, "<name>.mbox" with "/" levels as directories
// ("Folder/Sub" -> Folder/Sub.mbox), so that `postkeep import mbox` of the directory reads it back.
// Each message: a From_ line with the internal date, the bytes with every line matching ^>*From
// given one more ">", a newline if the message does not end with one, and a blank line. Flags go
// into Status, X-Status and X-Keywords headers at the end of the header, as Dovecot and mutt write
// them (import strips them again). mbox cannot keep a message that does not end in a newline
// byte-exact: it comes back with one added.
import { mkdirSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { formatFromLine } from '../import/from-line.js';
import { headerEnd } from '../import/mbox-headers.js';
import { DELIMITER } from '../store/names.js';
import type { Mailbox, MessageMeta } from '../store/types.js';
import type { ExportWriter } from './writer.js';

/** The file for a mailbox; null when a level cannot be a file name ("." or ".."). */
export function mboxPathFor(root: string, name: string): string | null {
  const levels = name.split(DELIMITER);
  if (levels.some((l) => l === '.' || l === '..' || l.includes('\0'))) return null;
  const last = levels.pop() as string;
  return join(root, ...levels, `${last}.mbox`);
}

const ESCAPE = /^>*From /;

/** mboxrd escaping: one ">" more on every line that matches ^>*From . */
export function escapeMboxrd(bytes: Buffer): Buffer[] {
  if (bytes.indexOf('From ') < 0) return [bytes]; // the usual case: nothing to escape
  const parts: Buffer[] = [];
  let start = 0;
  let pos = 0;
  while (pos < bytes.length) {
    const nl = bytes.indexOf(0x0a, pos);
    const end = nl < 0 ? bytes.length : nl + 1;
    if ((bytes[pos] === 0x46 || bytes[pos] === 0x3e) && ESCAPE.test(bytes.toString('latin1', pos, Math.min(end, pos + 256)))) {
      parts.push(bytes.subarray(start, pos), Buffer.from('>'));
      start = pos;
    }
    pos = end;
  }
  parts.push(bytes.subarray(start));
  return parts;
}

const X_STATUS: ReadonlyArray<readonly [string, string]> = [
  ['\\answered', 'A'],
  ['\\flagged', 'F'],
  ['\\draft', 'T'],
  ['\\deleted', 'D'],
];

/** The message with Status/X-Status/X-Keywords lines for its flags added at the end of its header.
 *  A message without a blank line after its header is left as it is (there is no safe place). */
export function withStatusHeaders(bytes: Buffer, flags: readonly string[]): Buffer {
  const end = headerEnd(bytes);
  if (end === bytes.length) return bytes;
  const eol = end >= 2 && bytes[end - 2] === 0x0d ? '\r\n' : '\n';
  const lower = new Set(flags.map((f) => f.toLowerCase()));
  let lines = `Status: ${lower.has('\\seen') ? 'RO' : 'O'}${eol}`;
  const xStatus = X_STATUS.filter(([flag]) => lower.has(flag)).map(([, letter]) => letter).join('');
  if (xStatus !== '') lines += `X-Status: ${xStatus}${eol}`;
  const keywords = flags.filter((f) => !f.startsWith('\\'));
  if (keywords.length > 0) lines += `X-Keywords: ${keywords.join(' ')}${eol}`;
  return Buffer.concat([bytes.subarray(0, end), Buffer.from(lines, 'latin1'), bytes.subarray(end)]);
}

export class MboxWriter implements ExportWriter {
  private file: FileHandle | null = null;

  constructor(private readonly root: string) {}

  async beginMailbox(mailbox: Mailbox): Promise<void> {
    const path = mboxPathFor(this.root, mailbox.name);
    if (path === null) throw new Error(`the mailbox name "${mailbox.name}" cannot be a file name`);
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    this.file = await open(path, 'wx', 0o600);
  }

  async writeMessage(meta: MessageMeta, bytes: Buffer): Promise<void> {
    if (this.file === null) throw new Error('writeMessage before beginMailbox');
    const parts = [Buffer.from(formatFromLine('MAILER-DAEMON', meta.internalDate), 'latin1'), ...escapeMboxrd(withStatusHeaders(bytes, meta.flags))];
    parts.push(Buffer.from(bytes[bytes.length - 1] === 0x0a ? '\n' : '\n\n'));
    await this.file.writev(parts);
  }

  async endMailbox(): Promise<void> {
    await this.file?.close();
    this.file = null;
  }
}
