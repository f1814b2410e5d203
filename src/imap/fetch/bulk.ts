// Many FETCH responses at once (RFC 9051 §7.5.2): `FETCH 1:* (UID FLAGS)` on a 100k mailbox is
// 100k responses. Items that need only the per-message metadata, and ENVELOPE where the store keeps
// its text, are formatted straight to text (no value tree, no summary, no await per message), and
// every kind of response is handed to the writer in groups, so that one write() carries hundreds.
import type { FetchAtt } from '../wire/ast.js';
import { Concat, Preformatted, type ImapData } from '../wire/data.js';
import { imapDateTime } from './format.js';
import type { MessageMeta } from '../../store/types.js';
import type { FetchOptions, FetchTarget } from './types.js';

type MetaKind = 'UID' | 'FLAGS' | 'MODSEQ' | 'INTERNALDATE' | 'RFC822.SIZE' | 'EMAILID' | 'THREADID' | 'SAVEDATE';
const META_KINDS: ReadonlySet<string> = new Set<MetaKind>(['UID', 'FLAGS', 'MODSEQ', 'INTERNALDATE', 'RFC822.SIZE', 'EMAILID', 'THREADID', 'SAVEDATE']);
/** Text gathered before a group goes to the writer: about what the writer sends in one write(). */
const TEXT_BYTES = 64 * 1024;
/** Items whose value is small and bounded (no message bytes): safe to group many responses. */
const SMALL_KINDS: ReadonlySet<string> = new Set([...META_KINDS, 'ENVELOPE', 'BODY', 'BODYSTRUCTURE', 'PREVIEW']);

/** A line kind: the metadata items, and ENVELOPE given as its IMAP text (src/mime/envelope-imap.ts). */
type LineKind = MetaKind | 'ENVELOPE';

/** True when every item comes from MessageMeta alone. */
export function fetchIsMetaOnly(items: readonly FetchAtt[]): boolean {
  return items.every((a) => META_KINDS.has(a.kind));
}

/** True when ENVELOPE is asked with metadata items only: lines from the stored envelope text. */
export function fetchIsEnvelopeLines(items: readonly FetchAtt[]): boolean {
  return items.some((a) => a.kind === 'ENVELOPE') && items.every((a) => a.kind === 'ENVELOPE' || META_KINDS.has(a.kind));
}

/** True when no item carries message bytes, so responses may be grouped in memory. */
export function fetchIsSmall(items: readonly FetchAtt[]): boolean {
  return items.every((a) => SMALL_KINDS.has(a.kind));
}

/** The line items (fetchIsMetaOnly or fetchIsEnvelopeLines) in response order: UID first for UID
 *  FETCH, each item once. */
export function metaItems(items: readonly FetchAtt[], includeUid: boolean): LineKind[] {
  const out: LineKind[] = includeUid && !items.some((a) => a.kind === 'UID') ? ['UID'] : [];
  for (const a of items) if (!out.includes(a.kind as LineKind)) out.push(a.kind as LineKind);
  return out;
}

/** "msn FETCH (...)" for metadata items and ENVELOPE (its text in `envelope`), as the serializer
 *  would write it (src/imap/fetch/build.ts). */
export function formatMetaFetch(kinds: readonly LineKind[], target: FetchTarget, options: FetchOptions, envelope = 'NIL'): string {
  return formatMetaLine(kinds, target.msn, target.meta, target.recent === true && !options.imap4rev2, envelope);
}

/** formatMetaFetch without a target object per message; `recent`: show \Recent (IMAP4rev1 only). */
export function formatMetaLine(kinds: readonly LineKind[], msn: number, meta: MessageMeta, recent: boolean, envelope = 'NIL'): string {
  let s = `${msn} FETCH (`;
  for (let i = 0; i < kinds.length; i++) {
    if (i > 0) s += ' ';
    switch (kinds[i]) {
      case 'UID':
        s += `UID ${meta.uid}`;
        break;
      case 'FLAGS': {
        const list = meta.flags;
        let flags = list.length === 0 ? '' : list.length === 1 ? (list[0] as string) : list.join(' ');
        // \Recent exists in IMAP4rev1 only (RFC 9051 Appendix E): the caller says.
        if (recent) flags = flags === '' ? '\\Recent' : `${flags} \\Recent`;
        s += `FLAGS (${flags})`;
        break;
      }
      case 'MODSEQ':
        s += `MODSEQ (${meta.modseq})`;
        break;
      case 'INTERNALDATE':
        s += `INTERNALDATE "${imapDateTime(meta.internalDate)}"`;
        break;
      case 'RFC822.SIZE':
        s += `RFC822.SIZE ${meta.size}`;
        break;
      case 'EMAILID':
        s += `EMAILID (${meta.emailId})`;
        break;
      case 'THREADID':
        s += meta.threadId === '' ? 'THREADID NIL' : `THREADID (${meta.threadId})`;
        break;
      case 'ENVELOPE':
        s += `ENVELOPE ${envelope}`;
        break;
      case 'SAVEDATE':
        s += Number.isFinite(meta.saveDate) && meta.saveDate > 0 ? `SAVEDATE "${imapDateTime(meta.saveDate)}"` : 'SAVEDATE NIL';
        break;
    }
  }
  return `${s})`;
}

/** Groups untagged FETCH responses into one writer call each `max` responses (or TEXT_BYTES of text). */
export class FetchBatch {
  private parts: ImapData[] = [];
  /** Text responses not yet in `parts`, joined by the separators: one string, one Preformatted. */
  private text = '';
  private count = 0;

  constructor(
    private readonly send: (...parts: ImapData[]) => Promise<void>,
    private readonly max = 500,
  ) {}

  /** A response already formatted (without "* " and CRLF). */
  addText(line: string): Promise<void> | undefined {
    if (this.count > 0) this.text += '\r\n* ';
    this.text += line;
    // No promise (and no await in the caller's loop) until a group is full.
    return ++this.count >= this.max || this.text.length >= TEXT_BYTES ? this.flush() : undefined;
  }

  /** A response as a value tree: msn FETCH (data). */
  addData(msn: number, data: ImapData[]): Promise<void> | undefined {
    if (this.count > 0) this.text += '\r\n* ';
    this.text += `${msn} FETCH `;
    this.parts.push(new Preformatted(this.text), data);
    this.text = '';
    return ++this.count >= this.max ? this.flush() : undefined;
  }

  async flush(): Promise<void> {
    if (this.count === 0) return;
    const parts = this.parts;
    if (this.text !== '') parts.push(new Preformatted(this.text));
    this.parts = [];
    this.text = '';
    this.count = 0;
    // The writer adds "* " before and CRLF after; the separators inside make the rest whole lines.
    await this.send(parts.length === 1 ? (parts[0] as ImapData) : new Concat(parts));
  }
}
