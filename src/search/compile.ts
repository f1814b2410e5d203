// Compiles a SEARCH key tree (RFC 9051 §6.4.4, RFC 3501 §6.4.4) into a predicate over candidates,
// with three-valued (Kleene) logic: `undefined` means "needs data not loaded yet". Messages are
// first judged on metadata alone, so that a cheap key can exclude a message before its summary or
// body text is ever read; AND/OR/NOT short-circuit on known values.
import type { SearchKey } from '../imap/wire/ast.js';
import type { Candidate } from './candidate.js';
import { dayNumber, internalDay, sentDay } from './dates.js';
import { hasFlagFolded } from '../store/flags.js';
import { foldCase } from './fold.js';
import { rangeTest, savedTest } from './sets.js';

export type Verdict = boolean | undefined;
export type Predicate = (c: Candidate) => Verdict;

export interface CompileEnv {
  /** `*` in a message-number set: the last msn of the view (RFC 9051 §9 seq-number). */
  readonly lastMsn: number;
  /** `*` in a UID set: the highest UID in the view. */
  readonly highestUid: number;
  readonly savedResult: readonly number[] | null;
  readonly now: number;
}

export function compileKey(key: SearchKey, env: CompileEnv): Predicate {
  switch (key.kind) {
    case 'all':
      return () => true;
    case 'and':
      return andOf(key.keys.map((k) => compileKey(k, env)));
    case 'or':
      return orOf(compileKey(key.left, env), compileKey(key.right, env));
    case 'not': {
      const inner = compileKey(key.key, env);
      return (c) => {
        const v = inner(c);
        return v === undefined ? undefined : !v;
      };
    }
    case 'seq': {
      // "$" holds UIDs whichever way it is used (RFC 5182 §2.1).
      if (key.set.kind === 'saved') {
        const test = savedTest(env.savedResult);
        return (c) => test(c.msg.meta.uid);
      }
      const test = rangeTest(key.set, env.lastMsn);
      return (c) => test(c.msg.msn);
    }
    case 'uid': {
      const test = key.set.kind === 'saved' ? savedTest(env.savedResult) : rangeTest(key.set, env.highestUid);
      return (c) => test(c.msg.meta.uid);
    }
    case 'flag':
      return flagTest(key.flag, key.set);
    case 'new': // RFC 3501 §6.4.4: NEW = RECENT UNSEEN
      return (c) => c.msg.recent && !hasFlag(c, '\\seen');
    case 'old': // RFC 3501 §6.4.4: OLD = NOT RECENT
      return (c) => !c.msg.recent;
    case 'header':
      return headerTest(key.field, key.value);
    case 'body':
      return bodyTest(key.value);
    case 'text':
      return textTest(key.value);
    case 'before':
    case 'on':
    case 'since': {
      const cmp = dayCompare(key.kind, dayNumber(key.date));
      return (c) => cmp(internalDay(c.msg.meta));
    }
    case 'sentbefore':
    case 'senton':
    case 'sentsince': {
      const kind = key.kind === 'sentbefore' ? 'before' : key.kind === 'senton' ? 'on' : 'since';
      const cmp = dayCompare(kind, dayNumber(key.date));
      return (c) => {
        const sent = c.knownSentDate();
        return sent === undefined ? undefined : cmp(sentDay(sent, c.msg.meta));
      };
    }
    case 'larger': // RFC 9051 §6.4.4: RFC822.SIZE larger than n
      return (c) => c.msg.meta.size > key.size;
    case 'smaller':
      return (c) => c.msg.meta.size < key.size;
    case 'older':
    case 'younger': {
      // RFC 5032 §3: target = now - interval, to the second; OLDER: date <= target, YOUNGER: date >= target.
      const target = Math.floor(env.now / 1000) - key.seconds;
      return key.kind === 'older'
        ? (c) => Math.floor(c.msg.meta.internalDate / 1000) <= target
        : (c) => Math.floor(c.msg.meta.internalDate / 1000) >= target;
    }
    case 'modseq': // RFC 7162 §3.1.5: mod-sequence equal to or greater than the value
      return (c) => c.msg.meta.modseq >= key.modseq;
    case 'savedbefore':
    case 'savedon':
    case 'savedsince': {
      // RFC 8514 §4.3: like BEFORE/ON/SINCE, on the save date (days in UTC, as for INTERNALDATE).
      const cmp = dayCompare(key.kind === 'savedbefore' ? 'before' : key.kind === 'savedon' ? 'on' : 'since', dayNumber(key.date));
      return (c) => cmp(Math.floor(c.msg.meta.saveDate / 86_400_000));
    }
    case 'savedatesupported': // every mailbox keeps save dates
      return () => true;
    case 'emailid': // RFC 8474 §6: exactly the given id
      return (c) => c.msg.meta.emailId === key.id;
    case 'threadid':
      return (c) => c.msg.meta.threadId !== '' && c.msg.meta.threadId === key.id;
  }
}

function andOf(parts: readonly Predicate[]): Predicate {
  return (c) => {
    let unknown = false;
    for (const p of parts) {
      const v = p(c);
      if (v === false) return false;
      if (v === undefined) unknown = true;
    }
    return unknown ? undefined : true;
  };
}

function orOf(left: Predicate, right: Predicate): Predicate {
  return (c) => {
    const l = left(c);
    if (l === true) return true;
    const r = right(c);
    if (r === true) return true;
    return l === undefined || r === undefined ? undefined : false;
  };
}

function hasFlag(c: Candidate, lowerFlag: string): boolean {
  return hasFlagFolded(c.msg.meta.flags, lowerFlag);
}

/** System flags and keywords compare case-insensitively (RFC 9051 §2.3.2); \Recent is per session. */
function flagTest(flag: string, set: boolean): Predicate {
  const lower = flag.toLowerCase();
  if (lower === '\\recent') return (c) => c.msg.recent === set;
  return (c) => hasFlag(c, lower) === set;
}

/** RFC 9051 §6.4.4 HEADER: substring of the (decoded) field value; an empty string matches every
 *  message that has the field. FROM/TO/CC/BCC/SUBJECT arrive here too, with their field names. */
function headerTest(field: string, value: string): Predicate {
  const name = field.toLowerCase();
  const needle = foldCase(value);
  return (c) => (c.headersLoaded ? c.headerMatches(name, needle) : undefined);
}

function bodyTest(value: string): Predicate {
  const needle = foldCase(value);
  if (needle === '') return () => true;
  return (c) => (c.body === undefined ? undefined : c.foldedBody().includes(needle));
}

/** TEXT: the header or the body; a header hit decides without the body. */
function textTest(value: string): Predicate {
  const needle = foldCase(value);
  if (needle === '') return () => true;
  return (c) => {
    const inHeader = c.headersLoaded ? c.foldedHeaderText().includes(needle) : undefined;
    if (inHeader === true) return true;
    if (c.body === undefined) return undefined;
    if (c.foldedBody().includes(needle)) return true;
    return inHeader;
  };
}

function dayCompare(kind: 'before' | 'on' | 'since', day: number): (d: number) => boolean {
  if (kind === 'before') return (d) => d < day;
  if (kind === 'on') return (d) => d === day;
  return (d) => d >= day;
}
