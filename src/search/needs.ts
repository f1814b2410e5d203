// Which data a SEARCH key tree needs beyond the per-message metadata, so that summaries are loaded
// only when some key reads headers or the Date: header, and body texts only for BODY/TEXT.
import type { SearchKey } from '../imap/wire/ast.js';

export interface KeyNeeds {
  readonly summary: boolean;
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
    case 'sentbefore':
    case 'senton':
    case 'sentsince':
      return { summary: true, body: false };
    case 'body':
      return { summary: false, body: true };
    case 'text':
      return { summary: true, body: true };
    default:
      return none;
  }
}

const none: KeyNeeds = { summary: false, body: false };

function merge(a: KeyNeeds, b: KeyNeeds): KeyNeeds {
  return { summary: a.summary || b.summary, body: a.body || b.body };
}
