// What delivery stores for a message (src/store/types.ts MessageAnalyzer): the parsed summary and
// the decoded body text for SEARCH BODY/TEXT.
import type { MessageAnalyzer } from '../store/types.js';
import { parseMessage } from './parse.js';
import { extractBodyText } from './text.js';

export const analyzeMessage: MessageAnalyzer = (bytes) => {
  const summary = parseMessage(bytes);
  return { summary, bodyText: extractBodyText(bytes, summary.root) };
};
