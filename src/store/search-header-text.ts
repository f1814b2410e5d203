// The searchable header text of a message, computed once at delivery so that SEARCH
// FROM/TO/CC/BCC/SUBJECT/HEADER/TEXT reads one short string per message instead of parsing its whole
// summary and case-folding every header at every search: one line per field, "name: value\n", names
// as the summary has them (lower case), values decoded and folded exactly as src/search folds them.
// null when some value holds a line break (cannot be one line): SEARCH then falls back to the
// summary for that message. Both stores keep it (sqlite/search-headers.ts, postgres/search-headers.ts).
import { foldCase } from '../search/fold.js';
import type { MessageSummary } from '../mime/types.js';

export function searchHeaderText(summary: Pick<MessageSummary, 'headers'>): string | null {
  let text = '';
  for (const [name, value] of summary.headers) {
    const folded = foldCase(value);
    if (folded.includes('\n') || name.includes('\n')) return null;
    text += `${name}: ${folded}\n`;
  }
  return text;
}
