// SEARCH header keys in one pass over the mailbox (schema version 10): a per-message copy of the
// content's folded header text (blobs.search_headers, search-headers.ts) in its own small table,
// clustered by (mailbox_id, uid), so that SEARCH FROM/SUBJECT/HEADER/TEXT is one range scan with
// `instr` in SQL instead of a join per message into the wide blobs rows (whose header text sits
// behind the body text, in overflow pages). The scan returns only the messages whose text contains
// a search string; the exact rule (RFC 9051 §6.4.4, src/search) is then applied in JS to those.
// Triggers keep the copy in step with `messages` on every path (append, copy, move, expunge, rename
// INBOX, delete mailbox, check's repairs), as the quota counters are kept (migration 2).
import type Database from 'better-sqlite3';
import type { SqliteContext } from './context.js';

/** Migration step: the table, its triggers and the backfill. Replayable (tests reset user_version). */
export function createMessageSearchTable(db: Database.Database): void {
  db.exec(`
    CREATE TABLE IF NOT EXISTS message_search (
      mailbox_id INTEGER NOT NULL,
      uid INTEGER NOT NULL,
      headers TEXT,
      PRIMARY KEY (mailbox_id, uid)
    ) WITHOUT ROWID;
    CREATE TRIGGER IF NOT EXISTS message_search_added AFTER INSERT ON messages BEGIN
      INSERT OR REPLACE INTO message_search (mailbox_id, uid, headers)
        VALUES (NEW.mailbox_id, NEW.uid, (SELECT search_headers FROM blobs WHERE id = NEW.blob_id));
    END;
    CREATE TRIGGER IF NOT EXISTS message_search_removed AFTER DELETE ON messages BEGIN
      DELETE FROM message_search WHERE mailbox_id = OLD.mailbox_id AND uid = OLD.uid;
    END;
    CREATE TRIGGER IF NOT EXISTS message_search_moved AFTER UPDATE OF mailbox_id, uid, blob_id ON messages BEGIN
      DELETE FROM message_search WHERE mailbox_id = OLD.mailbox_id AND uid = OLD.uid;
      INSERT OR REPLACE INTO message_search (mailbox_id, uid, headers)
        VALUES (NEW.mailbox_id, NEW.uid, (SELECT search_headers FROM blobs WHERE id = NEW.blob_id));
    END;
    -- A content's header text is written once, at its first delivery; this covers the rare rewrite
    -- (a repair, a replayed backfill). It scans messages (no index on blob_id): fine for a few rows,
    -- so a migration that rewrites every row must rebuild message_search instead.
    CREATE TRIGGER IF NOT EXISTS message_search_refolded AFTER UPDATE OF search_headers ON blobs
      WHEN NEW.search_headers IS NOT OLD.search_headers BEGIN
      UPDATE message_search SET headers = NEW.search_headers
        WHERE (mailbox_id, uid) IN (SELECT mailbox_id, uid FROM messages WHERE blob_id = NEW.id);
    END;
    DELETE FROM message_search;
    INSERT INTO message_search (mailbox_id, uid, headers)
      SELECT m.mailbox_id, m.uid, b.search_headers FROM messages m LEFT JOIN blobs b ON b.id = m.blob_id;
  `);
}

/**
 * The messages of mailbox `mailboxId` with firstUid <= uid <= lastUid whose folded header text
 * contains at least one of `needles` (exact substring, as JS `includes` on the same text), with that
 * text; and those whose text is not stored (null: the caller must judge them another way). A UID
 * absent from the answer has a stored header text that contains none of the needles (or is not in
 * the mailbox).
 */
export function scanSearchHeaders(
  ctx: SqliteContext,
  mailboxId: number,
  needles: readonly string[],
  firstUid: number,
  lastUid: number,
): Map<number, string | null> {
  const anyNeedle = needles.map(() => 'instr(headers, ?) > 0').join(' OR ');
  const rows = ctx
    .stmt(
      `SELECT uid, headers FROM message_search WHERE mailbox_id = ? AND uid BETWEEN ? AND ?
         AND (headers IS NULL${anyNeedle === '' ? '' : ` OR ${anyNeedle}`})`,
    )
    .raw(true)
    .all(mailboxId, firstUid, lastUid, ...needles) as Array<[number, string | null]>;
  return new Map(rows);
}
