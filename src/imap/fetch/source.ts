// One message's data for one FETCH response, loaded at most once however many items need it.
import { Readable } from 'node:stream';
import type { Envelope, MessageSummary } from '../../mime/types.js';
import type { FetchDeps, FetchTarget } from './types.js';

export class MessageSource {
  #summary: Promise<MessageSummary> | undefined;
  #whole: Promise<Buffer> | undefined;

  constructor(
    readonly target: FetchTarget,
    private readonly deps: FetchDeps,
  ) {}

  summary(): Promise<MessageSummary> {
    this.#summary ??= this.deps.loadSummary(this.target.meta);
    return this.#summary;
  }

  envelope(): Promise<Envelope> {
    if (this.#summary === undefined && this.deps.loadEnvelope) return this.deps.loadEnvelope(this.target.meta);
    return this.summary().then((s) => s.envelope);
  }

  /** The decoded text of the body parts (PREVIEW). */
  bodyText(): Promise<string> {
    return this.deps.loadBodyText(this.target.meta);
  }

  /** The whole message (BINARY decoding works on it with the summary's offsets). */
  whole(): Promise<Buffer> {
    // The size is known: the store need not stat the file to learn it.
    this.#whole ??= this.deps.readMessage(this.target.meta.blobId, 0, this.target.meta.size);
    return this.#whole;
  }

  /** Bytes [start, end): sliced from the whole message when it is already loaded. */
  range(start: number, end: number): Promise<Buffer> {
    // Not async: returning the store's promise itself saves the hops of an async wrapper.
    if (this.#whole !== undefined) return this.#whole.then((whole) => whole.subarray(start, end));
    if (start === 0 && end >= this.target.meta.size) return this.whole();
    return this.deps.readMessage(this.target.meta.blobId, start, end);
  }

  /** A fresh stream of bytes [start, end) each time it is called (StreamLiteral.open). */
  opener(start: number, end: number): () => Readable {
    return () => {
      const stream = this.deps.streamMessage(this.target.meta.blobId, start, end);
      return stream instanceof Readable ? stream : new Readable().wrap(stream);
    };
  }
}
