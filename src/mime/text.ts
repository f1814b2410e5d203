// The searchable text of a message body (SEARCH BODY/TEXT, RFC 9051 §6.4.4): every text/* part
// decoded from its transfer encoding and charset (HTML tags crudely stripped), the names of
// attachments, and the header values of encapsulated messages (they are body text of the outer one).
import { decodeCharset, decodeTransfer, decodeWords } from './decode.js';
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
  const pieces: string[] = [];
  let total = 0;
  const add = (s: string): void => {
    if (total >= MAX_BODY_TEXT || s === '') return;
    const piece = s.length + total > MAX_BODY_TEXT ? s.slice(0, MAX_BODY_TEXT - total) : s;
    pieces.push(piece);
    total += piece.length;
  };
  // Iterative walk (the tree is bounded in depth anyway, but this keeps the stack flat).
  const stack: MimePart[] = [root];
  while (stack.length > 0 && total < MAX_BODY_TEXT) {
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
      const decoded = decodeTransfer(bytes.subarray(part.bodyStart, end), part.encoding);
      const charset = param(part.params, 'charset') ?? null;
      const text = decodeCharset(decoded, charset);
      add((part.subtype === 'html' ? stripHtml(text) : text) + '\n');
    }
  }
  return pieces.join('');
}

