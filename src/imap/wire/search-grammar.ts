// SEARCH criteria (RFC 9051 §6.4.4, RFC 3501 §6.4.4, RFC 5032 WITHIN, RFC 7162 §3.1.5 MODSEQ,
// RFC 8514 SAVEDATE, RFC 8474 EMAILID/THREADID).
import type { SearchKey } from './ast.js';
import type { Parser } from './parser.js';

const FLAG_KEYS: Record<string, readonly [string, boolean]> = {
  ANSWERED: ['\\Answered', true],
  DELETED: ['\\Deleted', true],
  DRAFT: ['\\Draft', true],
  FLAGGED: ['\\Flagged', true],
  SEEN: ['\\Seen', true],
  RECENT: ['\\Recent', true],
  UNANSWERED: ['\\Answered', false],
  UNDELETED: ['\\Deleted', false],
  UNDRAFT: ['\\Draft', false],
  UNFLAGGED: ['\\Flagged', false],
  UNSEEN: ['\\Seen', false],
};
const HEADER_KEYS: Record<string, string> = { BCC: 'Bcc', CC: 'Cc', FROM: 'From', SUBJECT: 'Subject', TO: 'To' };
const DATE_KEYS = {
  BEFORE: 'before',
  ON: 'on',
  SINCE: 'since',
  SENTBEFORE: 'sentbefore',
  SENTON: 'senton',
  SENTSINCE: 'sentsince',
  // RFC 8514 §4.3
  SAVEDBEFORE: 'savedbefore',
  SAVEDON: 'savedon',
  SAVEDSINCE: 'savedsince',
} as const;

/** 1*(SP search-key) at the top level: one key, or an AND of several. */
export function searchCriteria(p: Parser): SearchKey {
  const keys: SearchKey[] = [];
  do keys.push(searchKey(p, 0));
  while (p.tryChar(' '));
  return keys.length === 1 ? (keys[0] as SearchKey) : { kind: 'and', keys };
}

/** search-key; `depth` counts parentheses and NOT/OR so hostile input cannot exhaust the stack. */
export function searchKey(p: Parser, depth: number): SearchKey {
  if (p.tryChar('(')) {
    return p.nested(depth, (d) => {
      const keys: SearchKey[] = [];
      do keys.push(searchKey(p, d));
      while (p.tryChar(' '));
      p.expectChar(')', 'after the search keys');
      return keys.length === 1 ? (keys[0] as SearchKey) : { kind: 'and', keys };
    });
  }
  if (p.atSequenceSet()) return { kind: 'seq', set: p.sequenceSet('as a search key') };
  const word = p.takeWhile((c) => /[A-Za-z0-9-]/.test(c)).toUpperCase();
  if (word === '') p.expected('a search key');
  const flag = FLAG_KEYS[word];
  if (flag) return { kind: 'flag', flag: flag[0], set: flag[1] };
  const header = HEADER_KEYS[word];
  if (header) {
    p.sp(`after ${word}`);
    return { kind: 'header', field: header, value: p.astring(`after ${word}`) };
  }
  if (word in DATE_KEYS) {
    p.sp(`after ${word}`);
    return { kind: DATE_KEYS[word as keyof typeof DATE_KEYS], date: p.date(`after ${word}`) };
  }
  switch (word) {
    case 'ALL':
      return { kind: 'all' };
    case 'NEW':
      return { kind: 'new' };
    case 'SAVEDATESUPPORTED': // RFC 8514 §4.3
      return { kind: 'savedatesupported' };
    case 'EMAILID': // RFC 8474 §6: objectid = 1*255(ALPHA / DIGIT / "_" / "-")
    case 'THREADID': {
      p.sp(`after ${word}`);
      const id = p.takeWhile((c) => /[A-Za-z0-9_-]/.test(c));
      if (id === '' || id.length > 255) p.expected('an object id', `after ${word}`);
      return { kind: word === 'EMAILID' ? 'emailid' : 'threadid', id };
    }
    case 'OLD':
      return { kind: 'old' };
    case 'BODY':
    case 'TEXT':
      p.sp(`after ${word}`);
      return { kind: word === 'BODY' ? 'body' : 'text', value: p.astring(`after ${word}`) };
    case 'HEADER': {
      p.sp('after HEADER');
      const field = p.astring('as the header field name');
      p.sp('after the header field name');
      return { kind: 'header', field, value: p.astring('as the header value') };
    }
    case 'KEYWORD':
    case 'UNKEYWORD':
      p.sp(`after ${word}`);
      return { kind: 'flag', flag: p.atom(`after ${word}`), set: word === 'KEYWORD' };
    case 'LARGER':
    case 'SMALLER':
      p.sp(`after ${word}`);
      return { kind: word === 'LARGER' ? 'larger' : 'smaller', size: p.number64(`after ${word}`) };
    case 'OLDER':
    case 'YOUNGER':
      p.sp(`after ${word}`);
      return { kind: word === 'OLDER' ? 'older' : 'younger', seconds: p.nzNumber(`after ${word}`) };
    case 'UID':
      p.sp('after UID');
      return { kind: 'uid', set: p.sequenceSet('after UID') };
    case 'NOT':
      p.sp('after NOT');
      return p.nested(depth, (d) => ({ kind: 'not', key: searchKey(p, d) }));
    case 'OR':
      return p.nested(depth, (d) => {
        p.sp('after OR');
        const left = searchKey(p, d);
        p.sp('between the keys of OR');
        return { kind: 'or', left, right: searchKey(p, d) };
      });
    case 'MODSEQ': {
      p.sp('after MODSEQ');
      // RFC 7162 §3.1.5: [entry-name SP entry-type-req SP]; metadata per flag is not kept, so ignored.
      if (p.peek() === '"' || p.atLiteral()) {
        p.string('as the MODSEQ entry name');
        p.sp('after the MODSEQ entry name');
        const type = p.atom('as the MODSEQ entry type').toUpperCase();
        if (type !== 'PRIV' && type !== 'SHARED' && type !== 'ALL') p.expected('priv, shared or all', 'as the MODSEQ entry type');
        p.sp('after the MODSEQ entry type');
      }
      return { kind: 'modseq', modseq: p.number64('as the MODSEQ value') };
    }
  }
  p.fail(`Unknown search key "${word}"`);
}
