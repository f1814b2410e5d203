// Rows of the mailboxes and messages tables as both stores read them (same columns in SQLite and
// PostgreSQL), and their mapping to the Store interface's types.
import { flagList } from './flags.js';
import type { Mailbox, MessageMeta, SpecialUse } from './types.js';

export interface MailboxRow {
  readonly id: number;
  readonly account_id: number;
  readonly name: string;
  readonly uidvalidity: number;
  readonly uidnext: number;
  readonly highestmodseq: number;
  readonly special_use: string | null;
  readonly mailbox_id: string;
  readonly recent_floor: number;
}

export interface MessageRow {
  readonly uid: number;
  readonly modseq: number;
  readonly sysflags: number;
  readonly keywords: string;
  readonly internal_date: number;
  readonly save_date: number;
  readonly size: number;
  readonly blob_id: string;
  readonly email_id: string;
  readonly thread_id: string;
}

export const MESSAGE_COLUMNS = 'uid, modseq, sysflags, keywords, internal_date, save_date, size, blob_id, email_id, thread_id';

export function toMeta(row: MessageRow): MessageMeta {
  return {
    uid: row.uid,
    modseq: row.modseq,
    flags: flagList(row.sysflags, row.keywords),
    internalDate: row.internal_date,
    saveDate: row.save_date,
    size: row.size,
    blobId: row.blob_id,
    emailId: row.email_id,
    threadId: row.thread_id,
  };
}

export function toMailbox(row: MailboxRow): Mailbox {
  return {
    id: row.id,
    accountId: row.account_id,
    name: row.name,
    uidValidity: row.uidvalidity,
    uidNext: row.uidnext,
    highestModseq: row.highestmodseq,
    specialUse: row.special_use as SpecialUse | null,
    mailboxId: row.mailbox_id,
  };
}

/** The mailbox columns a raw (array) row starts with, in mailboxFromColumns's order. */
export const MAILBOX_COLUMN_LIST = 'id, account_id, name, uidvalidity, uidnext, highestmodseq, special_use, mailbox_id';

/** The first columns of a raw row read with MAILBOX_COLUMN_LIST: toMailbox without a row object. */
export type MailboxColumns = readonly [number, number, string, number, number, number, string | null, string, ...unknown[]];

export function mailboxFromColumns(row: MailboxColumns): Mailbox {
  return {
    id: row[0],
    accountId: row[1],
    name: row[2],
    uidValidity: row[3],
    uidNext: row[4],
    highestModseq: row[5],
    specialUse: row[6] as SpecialUse | null,
    mailboxId: row[7],
  };
}
