// Serializes ImapData as the server sends it (the real writer), as one string for golden comparisons.
import { serialize as serializeParts } from '../../src/imap/wire/writer.js';
import type { ImapData } from '../../src/imap/wire/data.js';

export function serialize(data: ImapData): string {
  return serializeParts(data, { utf8: true })
    .map((part) => (Buffer.isBuffer(part) ? part.toString('utf8') : '<stream>'))
    .join('');
}
