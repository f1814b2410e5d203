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
// A row is "uid modseq sysflags internal_date save_date size blob_id thread_id", U+0002, the
// keywords, U+0001. Fields are atoms or integers, which contain none of these (RFC 9051 ATOM-CHAR
// excludes SP and CTL; flags.ts parseFlags enforces it for keywords), and the row count SQLite
// reports alongside checks that nothing split differently. group_concat takes the rows in the order
// the subquery yields them (UID order, the primary key); an ORDER BY inside the aggregate would sort
// them again (+50% per page), so the parser checks the order instead.
const ROW_END = '\x01';
const KEYWORDS_START = '\x02';
// concat_ws builds each row's text in one call; the same expression with || made a string per
// operator (100k rows: 93 against 110 ms).
const PAGE_SQL = `SELECT count(*), max(uid), group_concat(
    concat_ws(' ', uid, modseq, sysflags, internal_date, save_date, size, blob_id, thread_id) || char(2) || keywords, char(1))
  FROM (SELECT * FROM messages WHERE mailbox_id = ? AND uid > ? ORDER BY uid LIMIT ${PAGE_ROWS})`;

/**
 * A message as loaded here: UID, MODSEQ and flags (what SELECT, FETCH FLAGS and the views read of
 * every message) are fields; the rest is read off the page text when asked for, from `at`, where
 * the row's internal_date begins. Each message is then one small object that points into its page:
 * before, the two dates (heap numbers) and the blob and thread ids (slices) were four more objects
 * per message, all of which survived into the old generation, so that 100,000 messages cost each
 * young-generation GC a copy of them and the next full GC a mark of 500,000 objects (docs/BENCHMARKS.md
 * part 12). EMAILID is made from the blob id the same way.
 */
class PagedMessageMeta implements MessageMeta {
  constructor(
    readonly uid: number,
    readonly modseq: number,
    readonly flags: readonly string[],
    private readonly page: string,
    private readonly at: number,
  ) {}

  get internalDate(): number {
    return numberAt(this.page, this.at);
  }
  get saveDate(): number {
    return numberAt(this.page, fieldAfter(this.page, this.at, 1));
  }
  get size(): number {
    return numberAt(this.page, fieldAfter(this.page, this.at, 2));
  }
  get blobId(): string {
    const from = fieldAfter(this.page, this.at, 3);
    return this.page.slice(from, this.page.indexOf(' ', from));
  }
  get threadId(): string {
    const from = fieldAfter(this.page, this.at, 4);
    return this.page.slice(from, this.page.indexOf(KEYWORDS_START, from));
  }
  get emailId(): string {
    return emailIdFor(this.blobId);
  }
}

/** Where the field `count` spaces after the one at `from` begins. */
function fieldAfter(text: string, from: number, count: number): number {
  let at = from;
  for (let i = 0; i < count; i++) at = text.indexOf(' ', at) + 1;
  return at;
}

/** The integer at `from` (maybe negative: an INTERNALDATE before 1970). A value SQLite holds as
 *  REAL (written around the store) is read as it prints it. */
function numberAt(text: string, from: number): number {
  let at = from;
  const negative = text.charCodeAt(at) === 45;
  if (negative) at++;
  let value = 0;
  let c = text.charCodeAt(at);
  for (; c >= 48 && c <= 57; c = text.charCodeAt(++at)) value = value * 10 + (c - 48);
  if (c !== 32) return Number(text.slice(from, text.indexOf(' ', from)));
  return negative ? -value : value;
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

/** Appends the page's messages to out; false if UID, MODSEQ or the system flags was not a plain
 *  integer (a value stored as REAL or text would be: then nothing here can be trusted), a row had
 *  other than five fields between those and its keywords (the getters count on five), or the
 *  UIDs, all above `after`, did not ascend. */
export function parsePage(text: string, after: number, out: MessageMeta[]): boolean {
  let previousUid = after;
  let at = 0;
  let wellFormed = true;
  const end = text.length;
  const integer = (): number => {
    const first = at;
    let value = 0;
    let c = text.charCodeAt(at++);
    for (; c >= 48 && c <= 57; c = text.charCodeAt(at++)) value = value * 10 + (c - 48);
    if (c !== 32 || at - 1 === first) wellFormed = false;
    return value;
  };
  while (at < end) {
    const uid = integer();
    const modseq = integer();
    const sysflags = integer();
    const fields = at;
    const keywordsAt = text.indexOf(KEYWORDS_START, at);
    let stop = text.indexOf(ROW_END, at);
    if (stop < 0) stop = end;
    if (!wellFormed || keywordsAt < 0 || keywordsAt > stop || uid <= previousUid) return false;
    // Exactly five fields before the keywords, as the getters expect (a space in a blob or thread
    // id written around the store would shift them).
    const threadAt = fieldAfter(text, fields, 4);
    if (threadAt <= fields || threadAt > keywordsAt) return false;
    const extra = text.indexOf(' ', threadAt);
    if (extra >= 0 && extra < keywordsAt) return false;
    const keywords = text.slice(keywordsAt + 1, stop);
    at = stop + 1;
    previousUid = uid;
    out.push(new PagedMessageMeta(uid, modseq, flagList(sysflags, keywords), text, fields));
  }
  return true;
}
