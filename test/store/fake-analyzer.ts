// A trivial MessageAnalyzer for store tests: enough of a summary (headers, envelope, one text part)
// to exercise the store without depending on src/mime.
import type { MessageSummary, MimePart } from '../../src/mime/types.js';
import type { MessageAnalyzer } from '../../src/store/types.js';

export const fakeAnalyze: MessageAnalyzer = (bytes) => {
  const text = bytes.toString('latin1');
  const split = text.indexOf('\r\n\r\n');
  const headerEnd = split < 0 ? text.length : split + 4;
  const headers: Array<readonly [string, string]> = [];
  for (const line of text.slice(0, split < 0 ? text.length : split).split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) headers.push([line.slice(0, colon).toLowerCase(), line.slice(colon + 1).trim()]);
  }
  const get = (name: string): string | null => headers.find(([n]) => n === name)?.[1] ?? null;
  const root: MimePart = {
    headerStart: 0,
    bodyStart: headerEnd,
    bodyEnd: bytes.length,
    type: 'text',
    subtype: 'plain',
    params: [['charset', 'us-ascii']],
    id: null,
    description: null,
    encoding: '7BIT',
    md5: null,
    disposition: null,
    language: null,
    location: null,
    size: bytes.length - headerEnd,
    lines: text.slice(headerEnd).split('\n').length,
    children: [],
    message: null,
  };
  const summary: MessageSummary = {
    envelope: {
      date: get('date'),
      subject: get('subject'),
      from: null,
      sender: null,
      replyTo: null,
      to: null,
      cc: null,
      bcc: null,
      inReplyTo: get('in-reply-to'),
      messageId: get('message-id'),
    },
    root,
    headers,
    sentDate: null,
  };
  return { summary, bodyText: text.slice(headerEnd) };
};

let counter = 0;
/** A small distinct message (distinct bytes unless `body` repeats). */
export function makeMessage(options: { subject?: string; messageId?: string; references?: string; body?: string } = {}): Buffer {
  counter++;
  const lines = [
    `Message-ID: ${options.messageId ?? `<m${counter}.${process.pid}@test>`}`,
    `Subject: ${options.subject ?? `message ${counter}`}`,
    'From: a@example.org',
  ];
  if (options.references) lines.push(`References: ${options.references}`);
  return Buffer.from(lines.join('\r\n') + '\r\n\r\n' + (options.body ?? `body ${counter}\r\n`));
}
