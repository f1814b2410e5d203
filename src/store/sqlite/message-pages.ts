// Loading a whole mailbox's metadata (listMessages: the SELECT of a mailbox not yet cached) as a few
// long strings instead of one row array per message. better-sqlite3 makes a JS array and copies
// every text value into a new JS string for each row; for 100,000 messages that, and the garbage it
// leaves, was most of a cold SELECT (~250 ms, docs/BENCHMARKS.md part 7). Here SQLite joins a page
// of rows into one string, the numbers are read off it by char code and the ids are slices of it
// (V8 keeps a slice as a view: no copy).
import type { MessageMeta } from '../types.js';
import { flagList } from '../flags.js';
import { emailIdFor } from '../ids.js';
import type { SqliteContext } from './context.js';

/** Rows per string: a page of about 3.5 MB of text, held as long as one of its messages' ids is. */
export const PAGE_ROWS = 20_000;

// EMAILID is not read: every message row's email_id is emailIdFor(blob_id) (append-one.ts,
// append-batch.ts; copies keep both), and a fifth of the text was that copy.
// Fields are separated by a space, rows by U+0001. Keywords come last: they are atoms, which
// contain neither (RFC 9051 ATOM-CHAR excludes SP and CTL; flags.ts parseFlags enforces it), and
// the row count SQLite reports alongside checks that nothing split differently. group_concat takes
// the rows in the order the subquery yields them (UID order, the primary key); an ORDER BY inside
// the aggregate would sort them again (+50% per page), so the parser checks the order instead.
const ROW_END = '\x01';
// concat_ws builds each row's text in one call; the same expression with || made a string per
// operator (100k rows: 93 against 110 ms).
const PAGE_SQL = `SELECT count(*), max(uid), group_concat(
    concat_ws(' ', uid, modseq, sysflags, internal_date, save_date, size, blob_id, thread_id, keywords), char(1))
  FROM (SELECT * FROM messages WHERE mailbox_id = ? AND uid > ? ORDER BY uid LIMIT ${PAGE_ROWS})`;

/**
 * A message as loaded here. EMAILID is made from the blob id when asked for: the two strings it
 * takes ('M' and a slice) were a quarter of what a page allocated, and every one of them survived
 * into the old generation, so each young-generation GC copied them (first load of 100k messages:
 * 70-87 against 116-134 ms parsing).
 */
class PagedMessageMeta implements MessageMeta {
  constructor(
    readonly uid: number,
    readonly modseq: number,
    readonly flags: readonly string[],
    readonly internalDate: number,
    readonly saveDate: number,
    readonly size: number,
    readonly blobId: string,
    readonly threadId: string,
  ) {}

  get emailId(): string {
    return emailIdFor(this.blobId);
  }
}

type PageRow = [count: number, lastUid: number | null, text: string | null];

/** Every message of the mailbox in UID order, or null if a page did not parse back into as many
 *  well-formed rows as SQLite counted (the caller then reads the rows as arrays). Call inside one
 *  read transaction. */
export function readPackedPages(ctx: SqliteContext, mailboxId: number): MessageMeta[] | null {
  const statement = ctx.rawStmt(PAGE_SQL);
  const all: MessageMeta[] = [];
  for (let after = 0; ; ) {
    const [count, lastUid, text] = statement.get(mailboxId, after) as PageRow;
    if (count === 0 || text === null || lastUid === null) return all;
    const before = all.length;
    if (!parsePage(text, after, all) || all.length - before !== count) return null;
    if (count < PAGE_ROWS) return all;
    after = lastUid;
  }
}

/** Appends the page's messages to out; false if a number was not a plain integer (a value stored
 *  as REAL or text would be: then nothing here can be trusted) or the UIDs, all above `after`, did
 *  not ascend. */
export function parsePage(text: string, after: number, out: MessageMeta[]): boolean {
  let previousUid = after;
  let at = 0;
  let wellFormed = true;
  const end = text.length;
  // A decimal integer (maybe negative: an INTERNALDATE before 1970) and the space after it.
  const integer = (): number => {
    let negative = false;
    if (text.charCodeAt(at) === 45) {
      negative = true;
      at++;
    }
    const first = at;
    let value = 0;
    let c = text.charCodeAt(at++);
    for (; c >= 48 && c <= 57; c = text.charCodeAt(at++)) value = value * 10 + (c - 48);
    if (c !== 32 || at - 1 === first) wellFormed = false;
    return negative ? -value : value;
  };
  const word = (): string => {
    const stop = text.indexOf(' ', at);
    const w = text.slice(at, stop);
    at = stop + 1;
    return w;
  };
  while (at < end) {
    const uid = integer();
    const modseq = integer();
    const sysflags = integer();
    const internalDate = integer();
    const saveDate = integer();
    const size = integer();
    const blobId = word();
    const threadId = word();
    let stop = text.indexOf(ROW_END, at);
    if (stop < 0) stop = end;
    const keywords = text.slice(at, stop);
    at = stop + 1;
    if (!wellFormed || uid <= previousUid) return false;
    previousUid = uid;
    out.push(new PagedMessageMeta(uid, modseq, flagList(sysflags, keywords), internalDate, saveDate, size, blobId, threadId));
  }
  return true;
}
