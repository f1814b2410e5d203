// One message while SEARCH runs: its metadata plus whatever has been loaded so far, with the
// case-folded forms cached so that several keys on one message fold its text once.
import type { MessageSummary } from '../mime/types.js';
import { foldCase } from './fold.js';
import type { SearchMessage } from './types.js';

export class Candidate {
  /** undefined: not loaded yet; null: the store has no summary for it (no header fields). */
  summary: MessageSummary | null | undefined = undefined;
  /** undefined: not loaded yet. */
  body: string | undefined = undefined;
  #foldedHeaders: Array<readonly [string, string]> | undefined;
  #foldedHeaderText: string | undefined;
  #foldedBody: string | undefined;

  constructor(readonly msg: SearchMessage) {}

  /** Header fields (names lower-cased, values decoded and folded); call only once summary is loaded. */
  foldedHeaders(): ReadonlyArray<readonly [string, string]> {
    this.#foldedHeaders ??= (this.summary?.headers ?? []).map(([name, value]) => [name, foldCase(value)] as const);
    return this.#foldedHeaders;
  }

  /** The whole header as "name: value" lines, folded (for TEXT). */
  foldedHeaderText(): string {
    this.#foldedHeaderText ??= this.foldedHeaders()
      .map(([name, value]) => `${name}: ${value}\n`)
      .join('');
    return this.#foldedHeaderText;
  }

  /** Call only once body is loaded. */
  foldedBody(): string {
    this.#foldedBody ??= foldCase(this.body ?? '');
    return this.#foldedBody;
  }

  /** Drops the body text once judged, so a big search does not hold every body at once. */
  releaseBody(): void {
    this.body = undefined;
    this.#foldedBody = undefined;
  }
}
