// Flags that mbox writers keep in the header (mutt, Dovecot, UW-IMAP: Status, X-Status, X-Keywords;
// Thunderbird: X-Mozilla-Status, X-Mozilla-Keys), and the headers those writers add that are no part
// of the message. Like Dovecot, import strips Status, X-Status, X-Keywords, X-UID, X-IMAP,
// X-IMAPbase and Content-Length, so the stored bytes are the message as sent; Thunderbird's own
// X-Mozilla-* headers are read but kept (Dovecot keeps them too).

const STRIPPED = new Set(['status', 'x-status', 'x-keywords', 'x-uid', 'x-imap', 'x-imapbase', 'content-length']);

// Status/X-Status letters (RFC 4155 leaves them to convention; these are mutt's and Dovecot's).
const STATUS_LETTERS: ReadonlyMap<string, string> = new Map([
  ['R', '\\Seen'],
  ['A', '\\Answered'],
  ['F', '\\Flagged'],
  ['D', '\\Deleted'],
  ['T', '\\Draft'],
]);

// Thunderbird's nsMsgMessageFlags bits.
const MOZILLA_BITS: ReadonlyArray<readonly [number, string]> = [
  [0x1, '\\Seen'],
  [0x2, '\\Answered'],
  [0x4, '\\Flagged'],
  [0x8, '\\Deleted'], // deleted but not yet compacted away: imported as \Deleted, not dropped
  [0x1000, '$Forwarded'],
];

export interface MboxHeaderResult {
  /** The message with the mbox bookkeeping headers removed (the same Buffer when none were there). */
  readonly bytes: Buffer;
  readonly flags: readonly string[];
  /** True for UW-IMAP's and Dovecot's pseudo message that holds folder data ("X-IMAP:" header). */
  readonly folderInternal: boolean;
}

/** Offset just past the header's last line (the blank line not included); the whole length if none. */
export function headerEnd(bytes: Buffer): number {
  for (let i = bytes.indexOf(0x0a); i >= 0; i = bytes.indexOf(0x0a, i + 1)) {
    const next = bytes[i + 1];
    if (next === 0x0a) return i + 1;
    if (next === 0x0d && bytes[i + 2] === 0x0a) return i + 1;
  }
  if (bytes[0] === 0x0a || (bytes[0] === 0x0d && bytes[1] === 0x0a)) return 0;
  return bytes.length;
}

interface Field {
  readonly name: string;
  readonly start: number;
  readonly end: number;
}

/** Header fields with their byte ranges (each includes its continuation lines and line ending). */
function fields(bytes: Buffer, end: number): Field[] {
  const out: Field[] = [];
  let pos = 0;
  while (pos < end) {
    let lineEnd = bytes.indexOf(0x0a, pos);
    lineEnd = lineEnd < 0 || lineEnd >= end ? end : lineEnd + 1;
    const first = bytes[pos];
    const last = out[out.length - 1];
    if ((first === 0x20 || first === 0x09) && last !== undefined) {
      out[out.length - 1] = { ...last, end: lineEnd };
    } else {
      const colon = bytes.indexOf(0x3a, pos);
      const name = colon > pos && colon < lineEnd ? bytes.toString('latin1', pos, colon).trim().toLowerCase() : '';
      out.push({ name, start: pos, end: lineEnd });
    }
    pos = lineEnd;
  }
  return out;
}

function valueOf(bytes: Buffer, field: Field): string {
  const raw = bytes.toString('latin1', field.start, field.end);
  return raw.slice(raw.indexOf(':') + 1).replace(/\r?\n[ \t]/g, ' ').trim();
}

export function readMboxHeaders(bytes: Buffer): MboxHeaderResult {
  const list = fields(bytes, headerEnd(bytes));
  const flags = new Set<string>();
  let xImap = false;
  let internalSubject = false;
  for (const field of list) {
    const value = (): string => valueOf(bytes, field);
    switch (field.name) {
      case 'status':
      case 'x-status':
        for (const letter of value()) {
          const flag = STATUS_LETTERS.get(letter);
          if (flag !== undefined) flags.add(flag);
        }
        break;
      case 'x-keywords':
      case 'x-mozilla-keys':
        for (const keyword of value().split(/[\s,]+/)) if (keyword !== '') flags.add(keyword);
        break;
      case 'x-mozilla-status': {
        const bits = Number.parseInt(value(), 16);
        if (Number.isFinite(bits)) for (const [bit, flag] of MOZILLA_BITS) if ((bits & bit) !== 0) flags.add(flag);
        break;
      }
      case 'x-imap':
        xImap = true;
        break;
      case 'subject':
        internalSubject = value().includes('FOLDER INTERNAL DATA');
        break;
    }
  }
  const folderInternal = xImap && internalSubject;
  const kept = list.filter((f) => !STRIPPED.has(f.name));
  if (kept.length === list.length) return { bytes, flags: [...flags], folderInternal };
  const parts = kept.map((f) => bytes.subarray(f.start, f.end));
  const bodyStart = list.length === 0 ? 0 : (list[list.length - 1] as Field).end;
  parts.push(bytes.subarray(bodyStart));
  return { bytes: Buffer.concat(parts), flags: [...flags], folderInternal };
}
