// What delivery stores for a message (src/store/types.ts MessageAnalyzer): the parsed summary and
// the decoded body text for SEARCH BODY/TEXT.
import type { MessageAnalyzer } from '../store/types.js';
import type { MessageSummary } from './types.js';
import { parseMessage } from './parse.js';
import { extractBodyText } from './text.js';

export const analyzeMessage: MessageAnalyzer = Object.assign(
  (bytes: Buffer) => {
    const summary = parseMessage(bytes);
    return { summary, bodyText: extractBodyText(bytes, summary.root) };
  },
  // A store that did not keep the text reads it back this way: the summary it stored is the parse.
  { bodyText: (bytes: Buffer, summary: MessageSummary) => extractBodyText(bytes, summary.root) },
);
