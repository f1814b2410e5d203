// Which data a SEARCH key tree needs beyond the per-message metadata, so that summaries are loaded
// only when some key reads headers or the Date: header, and body texts only for BODY/TEXT.
import type { SearchKey } from '../imap/wire/ast.js';

export interface KeyNeeds {
  /** The Date: header (SENT*): from the store's sent dates, or failing that the summary. */
  readonly sentDate: boolean;
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
      return { sentDate: false, headers: true, body: false };
    case 'sentbefore':
    case 'senton':
    case 'sentsince':
      return { sentDate: true, headers: false, body: false };
    case 'body':
      return { sentDate: false, headers: false, body: true };
    case 'text':
      return { sentDate: false, headers: true, body: true };
    default:
      return none;
  }
}

const none: KeyNeeds = { sentDate: false, headers: false, body: false };

function merge(a: KeyNeeds, b: KeyNeeds): KeyNeeds {
  return { sentDate: a.sentDate || b.sentDate, headers: a.headers || b.headers, body: a.body || b.body };
}
