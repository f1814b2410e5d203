// The searchable text of a message body (SEARCH BODY/TEXT, RFC 9051 §6.4.4): every text/* part
// decoded from its transfer encoding and charset (HTML tags crudely stripped), the names of
// attachments, and the header values of encapsulated messages (they are body text of the outer one).
import { asciiTextLength, decodeCharset, decodeTransfer, decodeWords } from './decode.js';
import { fieldText, parseHeader } from './header.js';
import type { MimePart } from './types.js';

/** Text beyond this is not indexed: bounds memory and search time per message. */
export const MAX_BODY_TEXT = 1024 * 1024;

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };

function stripHtml(html: string): string {
  return html
    .replace(/<(script|style)\b[^]*?<\/\1\s*>/gi, ' ')
    .replace(/<[^>]*>/g, ' ')
    .replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (m, e: string) => {
      if (e[0] === '#') {
        const code = e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
        return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : m;
      }
      return ENTITIES[e.toLowerCase()] ?? m;
    });
}

function param(params: ReadonlyArray<readonly [string, string]>, name: string): string | undefined {
  return params.find(([n]) => n === name)?.[1];
}

export function extractBodyText(bytes: Buffer, root: MimePart): string {
  return collectText(bytes, root, null) as string;
}

/**
 * The body text when it has at most `limit` characters, else null: what extractBodyText gives for
 * such a message, found without decoding all of a long part. The SQLite store keeps only short texts
 * in its rows (src/store/sqlite/body-text.ts); a 200 KB text/plain message decoded whole cost 0.2 ms
 * of the event loop per APPEND (a string that size is allocated apart from V8's young objects), for
 * a text that was then dropped. A long part is decoded a window of its raw bytes at a time, from
 * limit+1 bytes up; once a window holds more text than is left of the limit, the answer is null.
 * Null is not "longer than limit" in every case (an HTML tag or a multi-byte character cut by a
 * window reads as text); it only ever sends a text to the message file, which the store handles.
 */
export function bodyTextUpTo(bytes: Buffer, root: MimePart, limit: number): string | null {
  return collectText(bytes, root, Math.min(limit, MAX_BODY_TEXT));
}

/** The walk of both: limit null keeps the first MAX_BODY_TEXT characters; a number gives null past it. */
function collectText(bytes: Buffer, root: MimePart, limit: number | null): string | null {
  const pieces: string[] = [];
  let total = 0;
  let over = false;
  const add = (s: string): void => {
    if (total >= MAX_BODY_TEXT || s === '') return;
    if (limit !== null && total + s.length > limit) over = true;
    const piece = s.length + total > MAX_BODY_TEXT ? s.slice(0, MAX_BODY_TEXT - total) : s;
    pieces.push(piece);
    total += piece.length;
  };
  // Iterative walk (the tree is bounded in depth anyway, but this keeps the stack flat).
  const stack: MimePart[] = [root];
  while (stack.length > 0 && total < MAX_BODY_TEXT && !over) {
    const part = stack.pop() as MimePart;
    const name = (part.disposition && param(part.disposition.params, 'filename')) ?? param(part.params, 'name');
    if (name !== undefined) add(decodeWords(name) + '\n');
    if (part.children.length > 0) {
      for (let i = part.children.length - 1; i >= 0; i--) stack.push(part.children[i] as MimePart);
    } else if (part.message !== null) {
      const inner = part.message.root;
      const header = parseHeader(bytes, inner.headerStart, inner.bodyStart);
      add(header.fields.map((f) => decodeWords(fieldText(f))).join('\n') + '\n');
      stack.push(inner);
    } else if (part.type === 'text') {
      // Do not decode more raw bytes than could end up in the text (base64 is 4:3, QP at most 3:1).
      const end = Math.min(part.bodyEnd, part.bodyStart + 4 * (MAX_BODY_TEXT - total) + 4);
      if (limit === null) {
        add(partText(bytes, part, end) + '\n');
        continue;
      }
      for (let window = limit - total + 1; ; window *= 4) {
        const cut = Math.min(end, part.bodyStart + window);
        // A window of plain ASCII text is as long as its bytes: past the limit, no string is made.
        const known = knownTextLength(bytes, part, cut);
        if (known !== null && total + known + 1 > limit) {
          over = true;
          break;
        }
        const text = partText(bytes, part, cut);
        if (cut === end || total + text.length > limit) {
          add(text + '\n');
          break;
        }
      }
    }
  }
  return over ? null : pieces.join('');
}

/** partText(bytes, part, end).length when it is known without decoding: a part that is not HTML,
 *  not transfer-encoded (decodeTransfer leaves its bytes as they are) and ASCII; else null. */
function knownTextLength(bytes: Buffer, part: MimePart, end: number): number | null {
  if (part.subtype === 'html') return null;
  const encoding = part.encoding.trim().toLowerCase();
  if (encoding === 'base64' || encoding === 'quoted-printable') return null;
  return asciiTextLength(bytes.subarray(part.bodyStart, end), param(part.params, 'charset') ?? null);
}

/** A text part's bytes up to `end`, decoded from its transfer encoding and charset, HTML stripped. */
function partText(bytes: Buffer, part: MimePart, end: number): string {
  const decoded = decodeTransfer(bytes.subarray(part.bodyStart, end), part.encoding);
  const text = decodeCharset(decoded, param(part.params, 'charset') ?? null);
  return part.subtype === 'html' ? stripHtml(text) : text;
}
