// One message while SEARCH runs: its metadata plus whatever has been loaded so far, with the
// case-folded forms cached so that several keys on one message fold its text once.
import type { MessageSummary } from '../mime/types.js';
import { foldCase } from './fold.js';
import type { SearchMessage, SentDate } from './types.js';

export class Candidate {
  /** undefined: not loaded yet; null: the store has no summary for it (no header fields). */
  summary: MessageSummary | null | undefined = undefined;
  /** The folded header text from the store (SearchContext.loadHeaderText); undefined: not loaded. */
  headerText: string | undefined = undefined;
  /** The Date: header from the store (SearchContext.loadSentDates); undefined: not loaded. */
  sentDate: SentDate | undefined = undefined;
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

  /** The Date: header from wherever it was loaded; undefined while neither source is. */
  knownSentDate(): SentDate | undefined {
    if (this.sentDate !== undefined) return this.sentDate;
    if (this.summary !== undefined) return this.summary?.sentDate ?? null;
    return undefined;
  }

  /** True once the header fields can be judged (from the header text or the summary). */
  get headersLoaded(): boolean {
    return this.headerText !== undefined || this.summary !== undefined;
  }

  /** Some field `name` (lower case) has a folded value containing `needle` (folded). */
  headerMatches(name: string, needle: string): boolean {
    const text = this.headerText;
    if (text === undefined) return this.foldedHeaders().some(([n, v]) => n === name && v.includes(needle));
    // Lines "name: value\n"; a match must start a line (values hold no line break).
    const key = `${name}: `;
    for (let at = text.indexOf(key); at >= 0; at = text.indexOf(key, at + 1)) {
      if (at > 0 && text.charCodeAt(at - 1) !== 10) continue;
      const end = text.indexOf('\n', at);
      const value = text.slice(at + key.length, end < 0 ? text.length : end);
      if (value.includes(needle)) return true;
    }
    return false;
  }

  /** The whole header as "name: value" lines, folded (for TEXT). */
  foldedHeaderText(): string {
    if (this.headerText !== undefined) return this.headerText;
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
