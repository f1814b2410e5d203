// What delivery stores for a message (src/store/types.ts MessageAnalyzer): the parsed summary and
// the decoded body text for SEARCH BODY/TEXT.
import type { MessageAnalyzer } from '../store/types.js';
import type { MessageSummary } from './types.js';
import { parseMessage } from './parse.js';
import { bodyTextUpTo, extractBodyText } from './text.js';

function analyze(bytes: Buffer): { summary: MessageSummary; bodyText: string };
function analyze(bytes: Buffer, bodyTextLimit: number): { summary: MessageSummary; bodyText: string | null };
function analyze(bytes: Buffer, bodyTextLimit?: number): { summary: MessageSummary; bodyText: string | null } {
  const summary = parseMessage(bytes);
  const bodyText = bodyTextLimit === undefined ? extractBodyText(bytes, summary.root) : bodyTextUpTo(bytes, summary.root, bodyTextLimit);
  return { summary, bodyText };
}

export const analyzeMessage: MessageAnalyzer = Object.assign(
  analyze,
  // A store that did not keep the text reads it back this way: the summary it stored is the parse.
  { bodyText: (bytes: Buffer, summary: MessageSummary) => extractBodyText(bytes, summary.root) },
);
