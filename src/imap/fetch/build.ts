// The data of one "* n FETCH (...)" response (RFC 9051 §6.4.5, §7.5.2): name/value pairs in the
// order asked, each item once, UID included for UID FETCH.
import { bodyStructureData, envelopeData } from '../../mime/imap-data.js';
import type { FetchAtt, Section } from '../wire/ast.js';
import { Atom, type ImapData } from '../wire/data.js';
import { imapDateTime, originText, sectionText } from './format.js';
import { bodySection, binarySection, binarySize } from './sections.js';
import { MessageSource } from './source.js';
import { previewText } from './preview.js';
import type { FetchDeps, FetchOptions, FetchTarget } from './types.js';

const WHOLE: Section = { part: [], text: null };
const HEADER: Section = { part: [], text: 'HEADER' };
const TEXT: Section = { part: [], text: 'TEXT' };

/** The response item name of a fetch att (BODY.PEEK answers as BODY, BINARY.PEEK as BINARY). */
export function fetchItemName(att: FetchAtt): string {
  switch (att.kind) {
    case 'BODY[]':
      return `BODY[${sectionText(att.section)}]${originText(att.partial)}`;
    case 'BINARY[]':
      return `BINARY[${sectionText(att.section)}]${originText(att.partial)}`;
    case 'BINARY.SIZE':
      return `BINARY.SIZE[${sectionText(att.section)}]`;
    default:
      return att.kind;
  }
}

/** RFC 9051 §6.4.5: BODY[...] and BINARY[...] without .PEEK, RFC822 and RFC822.TEXT set \Seen. */
export function fetchSetsSeen(items: readonly FetchAtt[]): boolean {
  return items.some(
    (a) => ((a.kind === 'BODY[]' || a.kind === 'BINARY[]') && !a.peek) || a.kind === 'RFC822' || a.kind === 'RFC822.TEXT',
  );
}

/** True when some item needs the stored summary (structure, envelope, or a section's offsets). */
export function fetchNeedsSummary(items: readonly FetchAtt[], envelopeApart = false): boolean {
  return items.some((a) => {
    switch (a.kind) {
      case 'ENVELOPE':
        return !envelopeApart;
      case 'BODY':
      case 'BODYSTRUCTURE':
      case 'RFC822.HEADER':
      case 'RFC822.TEXT':
      case 'BINARY[]':
      case 'BINARY.SIZE':
        return true;
      case 'BODY[]':
        return a.section.part.length > 0 || a.section.text !== null;
      default:
        return false;
    }
  });
}

/** The flat list inside "* n FETCH (...)": name, value, name, value... */
export async function buildFetchData(
  items: readonly FetchAtt[],
  target: FetchTarget,
  deps: FetchDeps,
  options: FetchOptions,
): Promise<ImapData[]> {
  const src = new MessageSource(target, deps);
  const out: ImapData[] = [];
  const seen = new Set<string>();
  const wanted: FetchAtt[] = options.includeUid && !items.some((a) => a.kind === 'UID') ? [{ kind: 'UID' }, ...items] : [...items];
  for (const att of wanted) {
    const name = fetchItemName(att);
    if (seen.has(name)) continue; // never the same item twice (e.g. BODY[] and BODY.PEEK[])
    seen.add(name);
    out.push(new Atom(name), await itemValue(att, src, options));
  }
  return out;
}

async function itemValue(att: FetchAtt, src: MessageSource, options: FetchOptions): Promise<ImapData> {
  const meta = src.target.meta;
  // Await the section here rather than return its promise: an async function that returns a
  // promise takes extra microtask hops to adopt it (one FETCH of one message takes this path).
  switch (att.kind) {
    case 'UID':
      return meta.uid;
    case 'FLAGS': {
      const flags: ImapData[] = meta.flags.map((f) => new Atom(f));
      // \Recent exists in IMAP4rev1 only (RFC 9051 Appendix E).
      if (src.target.recent === true && !options.imap4rev2) flags.push(new Atom('\\Recent'));
      return flags;
    }
    case 'INTERNALDATE':
      return imapDateTime(meta.internalDate);
    case 'SAVEDATE': // RFC 8514 §4: date-time, or NIL when the store has none
      return Number.isFinite(meta.saveDate) && meta.saveDate > 0 ? imapDateTime(meta.saveDate) : null;
    case 'RFC822.SIZE':
      return meta.size;
    case 'MODSEQ': // RFC 7162 §3.1.4.1: MODSEQ (n)
      return [meta.modseq];
    case 'EMAILID': // RFC 8474 §5.1: EMAILID (id)
      return [new Atom(meta.emailId)];
    case 'THREADID': // RFC 8474 §5.2: THREADID (id) or NIL when the server has none
      return meta.threadId === '' ? null : [new Atom(meta.threadId)];
    case 'ENVELOPE':
      return envelopeData(await src.envelope());
    case 'BODY':
      return bodyStructureData((await src.summary()).root, false);
    case 'BODYSTRUCTURE':
      return bodyStructureData((await src.summary()).root, true);
    case 'RFC822': // RFC 3501 §6.4.5: = BODY[]
      return await bodySection(src, WHOLE, null, options.streamThreshold);
    case 'RFC822.HEADER': // = BODY.PEEK[HEADER]
      return await bodySection(src, HEADER, null, options.streamThreshold);
    case 'RFC822.TEXT': // = BODY[TEXT]
      return await bodySection(src, TEXT, null, options.streamThreshold);
    case 'BODY[]':
      return await bodySection(src, att.section, att.partial, options.streamThreshold);
    case 'BINARY[]':
      return await binarySection(src, att.section, att.partial);
    case 'BINARY.SIZE':
      return await binarySize(src, att.section);
    case 'PREVIEW': // RFC 8970 §3: always generated, so never NIL, even with LAZY (§4.1 allows either)
      return previewText(await src.bodyText());
  }
}
