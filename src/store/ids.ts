// Object ids (RFC 8474): opaque, stable, 1-255 of [A-Za-z0-9_-].
import { createHash, randomBytes } from 'node:crypto';
import type { MessageSummary } from '../mime/types.js';

function short(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 24);
}

/** EMAILID: the same for every copy of the same message (RFC 8474 §5.1), so derived from the bytes. */
export function emailIdFor(blobId: string): string {
  return 'M' + blobId.slice(0, 24);
}

const MSGID = /<[^<>]*>/;

function firstMsgId(value: string | undefined | null): string | null {
  if (!value) return null;
  const m = MSGID.exec(value);
  return m ? m[0] : null;
}

/** THREADID: a hash of the thread root's Message-ID (first of References, else In-Reply-To, else the
 *  message's own id). A heuristic: a reply without References lands in its parent's thread only. */
export function threadIdFor(summary: MessageSummary, blobId: string): string {
  let references: string | undefined;
  let inReplyTo: string | undefined;
  let messageId: string | undefined;
  for (const [name, value] of summary.headers) {
    if (name === 'references' && references === undefined) references = value;
    else if (name === 'in-reply-to' && inReplyTo === undefined) inReplyTo = value;
    else if (name === 'message-id' && messageId === undefined) messageId = value;
  }
  const root =
    firstMsgId(references) ?? firstMsgId(inReplyTo) ?? firstMsgId(messageId) ?? firstMsgId(summary.envelope.messageId);
  return 'T' + (root ? short(root) : blobId.slice(0, 24));
}

/** MAILBOXID: random, so that a mailbox deleted and created again gets a different one. */
export function newMailboxId(): string {
  return 'F' + randomBytes(12).toString('hex');
}
