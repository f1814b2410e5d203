// A tiny ImapData serializer for the MIME tests (the real response writer lives in src/imap/wire):
// strings quoted with \ and " escaped (UTF-8 kept), literals for CR/LF/NUL, NIL, numbers, lists.
import { Atom, Literal, type ImapData } from '../../src/imap/wire/data.js';

export function serialize(data: ImapData): string {
  if (data === null) return 'NIL';
  if (typeof data === 'number') return String(data);
  if (typeof data === 'string') {
    if (/[\r\n\0]/.test(data)) return `{${Buffer.byteLength(data)}}\r\n${data}`;
    return '"' + data.replace(/[\\"]/g, '\\$&') + '"';
  }
  if (data instanceof Atom) return data.value;
  if (data instanceof Literal) return `{${data.bytes.length}}\r\n${data.bytes.toString('latin1')}`;
  if (Array.isArray(data)) return '(' + (data as readonly ImapData[]).map(serialize).join(' ') + ')';
  return '<stream>';
}
