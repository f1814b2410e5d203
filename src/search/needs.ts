// Which data a SEARCH key tree needs beyond the per-message metadata, so that summaries are loaded
// only when some key reads headers or the Date: header, and body texts only for BODY/TEXT.
import type { SearchKey } from '../imap/wire/ast.js';

export interface KeyNeeds {
  /** The summary: SENT* (the Date: header), or header keys when the store has no header text. */
  readonly summary: boolean;
  /** Header fields (FROM, SUBJECT, HEADER, TEXT): the header text or, failing that, the summary. */
  readonly headers: boolean;
  readonly body: boolean;
}

export function keyNeeds(key: SearchKey): KeyNeeds {
  switch (key.kind) {
    case 'and':
      return key.keys.map(keyNeeds).reduce(merge, none);
    case 'or':
      return merge(keyNeeds(key.left), keyNeeds(key.right));
    case 'not':
      return keyNeeds(key.key);
    case 'header':
      return { summary: false, headers: true, body: false };
    case 'sentbefore':
    case 'senton':
    case 'sentsince':
      return { summary: true, headers: false, body: false };
    case 'body':
      return { summary: false, headers: false, body: true };
    case 'text':
      return { summary: false, headers: true, body: true };
    default:
      return none;
  }
}

const none: KeyNeeds = { summary: false, headers: false, body: false };

function merge(a: KeyNeeds, b: KeyNeeds): KeyNeeds {
  return { summary: a.summary || b.summary, headers: a.headers || b.headers, body: a.body || b.body };
}
