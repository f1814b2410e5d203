// What building one FETCH response needs (RFC 9051 §6.4.5, §7.5.2): the message, a way to read its
// summary and bytes, and the session's settings.
import type { Envelope, MessageSummary } from '../../mime/types.js';
import type { MessageMeta } from '../../store/types.js';

export interface FetchTarget {
  readonly msn: number;
  readonly meta: MessageMeta;
  /** \Recent for this session (IMAP4rev1 only); FLAGS shows it when true. */
  readonly recent?: boolean;
}

export interface FetchDeps {
  loadSummary(meta: MessageMeta): Promise<MessageSummary>;
  /** ENVELOPE without the whole summary, when the store keeps it apart (else the summary's). */
  loadEnvelope?(meta: MessageMeta): Promise<Envelope>;
  /** The bytes [start, end) of the message (the whole message when omitted). */
  readMessage(blobId: string, start?: number, end?: number): Promise<Buffer>;
  streamMessage(blobId: string, start?: number, end?: number): NodeJS.ReadableStream;
  /** The decoded text of the body parts (for PREVIEW, RFC 8970). */
  loadBodyText(meta: MessageMeta): Promise<string>;
}

export interface FetchOptions {
  /** IMAP4rev2 is enabled: no \Recent flag (RFC 9051 Appendix E). */
  readonly imap4rev2: boolean;
  /** UID FETCH always returns UID (RFC 9051 §6.4.9). */
  readonly includeUid: boolean;
  /** Bytes above which a section literal is streamed from the blob store instead of read into memory. */
  readonly streamThreshold: number;
}
