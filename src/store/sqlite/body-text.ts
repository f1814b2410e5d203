// Where the SQLite store keeps a content's body text (SEARCH BODY/TEXT, FETCH PREVIEW): in its blobs
// row (body_text), or, for a long text, not at all (body_text_in_file = 1): it is extracted from the
// message file again when a command needs it.
import type { MessageSummary } from '../../mime/types.js';
import type { MessageAnalyzer } from '../types.js';

/** Body texts longer than this many characters (JS string length) are not stored in the row. Most
 *  mail's text is far smaller (a few KB), so SEARCH BODY on ordinary mailboxes keeps reading the text
 *  from SQLite; a big text is read from the file, as Dovecot does for every message. Stored, it is
 *  written twice more (to the WAL, then at the checkpoint) on top of the file, which made APPEND of
 *  200 KB text messages markedly slower (figures in docs/BENCHMARKS.md). */
export const BODY_TEXT_INLINE_MAX = 32 * 1024;

/** The two columns for a new or re-analysed content; null: the analyzer left out a text longer than
 *  BODY_TEXT_INLINE_MAX (analyzeForRow). */
export function bodyTextColumns(bodyText: string | null): { readonly body_text: string; readonly body_text_in_file: 0 | 1 } {
  return bodyText === null || bodyText.length > BODY_TEXT_INLINE_MAX ? { body_text: '', body_text_in_file: 1 } : { body_text: bodyText, body_text_in_file: 0 };
}

/** The analysis of a new content for its blobs row: a text too long for the row is not decoded whole. */
export function analyzeForRow(analyze: MessageAnalyzer, bytes: Buffer): { readonly summary: MessageSummary; readonly bodyText: string | null } {
  return analyze(bytes, BODY_TEXT_INLINE_MAX);
}

/** The text a row left out, from the file's bytes and the stored summary: the very string delivery's
 *  analysis produced (the analyzer's own bodyText when it has one, else the whole analysis again). */
export function bodyTextFromFile(analyze: MessageAnalyzer, bytes: Buffer, summary: MessageSummary): string {
  return analyze.bodyText ? analyze.bodyText(bytes, summary) : analyze(bytes).bodyText;
}
