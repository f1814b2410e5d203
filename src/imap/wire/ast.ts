// The typed AST of IMAP commands (RFC 9051 §6, RFC 3501 §6, plus the extensions we advertise).
// Produced by the command grammar (parse.ts) from a framed request; consumed by src/imap/commands.
// Mailbox names are carried raw (as the client sent them): the session decodes modified UTF-7 or
// UTF-8 depending on whether IMAP4rev2/UTF8=ACCEPT is enabled (RFC 9051 §5.1, RFC 3501 §5.1.3).

/** One range of a sequence set; `'*'` is the largest number in use (RFC 9051 §9 seq-number). */
export interface SeqRange {
  readonly start: number | '*';
  readonly end: number | '*';
}
/** A sequence set: message sequence numbers or UIDs, depending on the command. `'$'` is SEARCHRES (RFC 5182). */
export type SequenceSet = { readonly kind: 'set'; readonly ranges: readonly SeqRange[] } | { readonly kind: 'saved' };

/** A section spec of BODY[...] / BINARY[...] (RFC 9051 §6.4.5). */
export interface Section {
  /** Part numbers, e.g. [1, 2] for "1.2"; empty for the whole message. */
  readonly part: readonly number[];
  /** What of that part; null means the whole part (or the whole message when part is empty). */
  readonly text: null | 'HEADER' | 'TEXT' | 'MIME' | { readonly fields: readonly string[]; readonly not: boolean };
}
export interface Partial {
  readonly offset: number;
  readonly length: number;
}

export type FetchAtt =
  | { readonly kind: 'ENVELOPE' | 'FLAGS' | 'INTERNALDATE' | 'RFC822.SIZE' | 'UID' | 'BODYSTRUCTURE' | 'BODY' | 'MODSEQ' | 'EMAILID' | 'THREADID' | 'SAVEDATE' }
  | { readonly kind: 'RFC822' | 'RFC822.HEADER' | 'RFC822.TEXT' }
  /** BODY[section]<partial> and BODY.PEEK[...] */
  | { readonly kind: 'BODY[]'; readonly section: Section; readonly partial: Partial | null; readonly peek: boolean }
  /** BINARY[part]<partial> and BINARY.PEEK[...] (RFC 3516); section.text is always null. */
  | { readonly kind: 'BINARY[]'; readonly section: Section; readonly partial: Partial | null; readonly peek: boolean }
  | { readonly kind: 'BINARY.SIZE'; readonly section: Section }
  /** RFC 8970 PREVIEW [(LAZY)] */
  | { readonly kind: 'PREVIEW'; readonly lazy: boolean };

export type SearchKey =
  | { readonly kind: 'and'; readonly keys: readonly SearchKey[] }
  | { readonly kind: 'or'; readonly left: SearchKey; readonly right: SearchKey }
  | { readonly kind: 'not'; readonly key: SearchKey }
  | { readonly kind: 'all' }
  /** A bare sequence set (message numbers) or UID set. */
  | { readonly kind: 'seq'; readonly set: SequenceSet }
  | { readonly kind: 'uid'; readonly set: SequenceSet }
  /** ANSWERED DELETED DRAFT FLAGGED SEEN RECENT NEW OLD KEYWORD and their UN- forms become flag tests. */
  | { readonly kind: 'flag'; readonly flag: string; readonly set: boolean }
  | { readonly kind: 'new' } // RECENT UNSEEN
  | { readonly kind: 'old' } // NOT RECENT
  /** BCC CC FROM SUBJECT TO and HEADER name value: substring match on the decoded header value. */
  | { readonly kind: 'header'; readonly field: string; readonly value: string }
  | { readonly kind: 'body' | 'text'; readonly value: string }
  /** Dates compare the date part only, in the message's own time zone for SENT*, in UTC-of-server for INTERNALDATE (RFC 9051 §6.4.4). */
  | { readonly kind: 'before' | 'on' | 'since' | 'sentbefore' | 'senton' | 'sentsince'; readonly date: string /* YYYY-MM-DD */ }
  | { readonly kind: 'larger' | 'smaller'; readonly size: number }
  /** RFC 5032 WITHIN */
  | { readonly kind: 'older' | 'younger'; readonly seconds: number }
  /** RFC 7162 CONDSTORE */
  | { readonly kind: 'modseq'; readonly modseq: number }
  /** RFC 8514 SAVEDATE: dates compare like INTERNALDATE; SAVEDATESUPPORTED matches when the mailbox keeps save dates */
  | { readonly kind: 'savedbefore' | 'savedon' | 'savedsince'; readonly date: string /* YYYY-MM-DD */ }
  | { readonly kind: 'savedatesupported' }
  /** RFC 8474 §6 OBJECTID */
  | { readonly kind: 'emailid' | 'threadid'; readonly id: string };

/** SELECT/EXAMINE (QRESYNC (uidvalidity modseq [known-uids] [seq-match-data])) (RFC 7162 §3.2.5). */
export interface QresyncParams {
  readonly uidValidity: number;
  readonly modseq: number;
  readonly knownUids: SequenceSet | null;
  readonly seqMatch: { readonly msns: SequenceSet; readonly uids: SequenceSet } | null;
}

/** SORT (RFC 5256 §5; DISPLAYFROM/DISPLAYTO from RFC 5957). */
export type SortKeyName = 'ARRIVAL' | 'CC' | 'DATE' | 'FROM' | 'SIZE' | 'SUBJECT' | 'TO' | 'DISPLAYFROM' | 'DISPLAYTO';
export interface SortCriterion {
  readonly key: SortKeyName;
  readonly reverse: boolean;
}
/** ESORT return options (RFC 5267 §3.1). */
export type SortReturnOption = 'MIN' | 'MAX' | 'ALL' | 'COUNT';
export type ThreadAlgorithm = 'ORDEREDSUBJECT' | 'REFERENCES';

export type StoreOperation = 'replace' | 'add' | 'remove';

export type StatusItem = 'MESSAGES' | 'UIDNEXT' | 'UIDVALIDITY' | 'UNSEEN' | 'DELETED' | 'SIZE' | 'RECENT' | 'HIGHESTMODSEQ' | 'APPENDLIMIT' | 'MAILBOXID' | 'DELETED-STORAGE';

/** A LIST return option (RFC 5258 §3.2, RFC 5819 STATUS). */
export type ListReturnOption =
  | { readonly kind: 'SUBSCRIBED' | 'CHILDREN' | 'SPECIAL-USE' }
  | { readonly kind: 'STATUS'; readonly items: readonly StatusItem[] };

export type ListSelectionOption = 'SUBSCRIBED' | 'REMOTE' | 'RECURSIVEMATCH' | 'SPECIAL-USE';

/** One message of APPEND (RFC 9051 §6.3.12; several with MULTIAPPEND, RFC 3502). */
export interface AppendMessage {
  readonly flags: readonly string[];
  /** date-time as sent, parsed; null when absent */
  readonly internalDate: Date | null;
  readonly message: Buffer;
  /** sent as a ~{n} literal (RFC 3516 §4.4) */
  readonly binary: boolean;
  /** sent as `UTF8 (~{n})`, the UTF8 append-data extension (RFC 6855 §4) */
  readonly utf8: boolean;
}

interface Tagged {
  readonly tag: string;
}

export type Command = Tagged &
  (
    | { readonly name: 'CAPABILITY' | 'NOOP' | 'LOGOUT' | 'STARTTLS' | 'CHECK' | 'CLOSE' | 'UNSELECT' | 'EXPUNGE' | 'IDLE' | 'NAMESPACE' | 'UNAUTHENTICATE' }
    | { readonly name: 'AUTHENTICATE'; readonly mechanism: string /* upper-cased */; readonly initialResponse: string | null /* base64 text as sent; "=" means empty (RFC 4959) */ }
    | { readonly name: 'LOGIN'; readonly user: string; readonly password: string }
    | { readonly name: 'ENABLE'; readonly capabilities: readonly string[] /* upper-cased */ }
    | { readonly name: 'ID'; readonly params: ReadonlyArray<readonly [string, string | null]> | null }
    | { readonly name: 'SELECT' | 'EXAMINE'; readonly mailbox: string; readonly condstore: boolean; readonly qresync: QresyncParams | null }
    | { readonly name: 'CREATE'; readonly mailbox: string; readonly specialUse: readonly string[] }
    | { readonly name: 'DELETE' | 'SUBSCRIBE' | 'UNSUBSCRIBE'; readonly mailbox: string }
    | { readonly name: 'RENAME'; readonly from: string; readonly to: string }
    | {
        readonly name: 'LIST';
        readonly selection: readonly ListSelectionOption[];
        readonly reference: string;
        readonly patterns: readonly string[];
        readonly returnOptions: readonly ListReturnOption[];
        /** True when the extended syntax (selection options, several patterns or RETURN) was used. */
        readonly extended: boolean;
      }
    | { readonly name: 'LSUB'; readonly reference: string; readonly pattern: string }
    | { readonly name: 'STATUS'; readonly mailbox: string; readonly items: readonly StatusItem[] }
    | {
        readonly name: 'APPEND';
        readonly mailbox: string;
        /** One or more (MULTIAPPEND, RFC 3502 §6) messages, in the order sent. */
        readonly messages: readonly AppendMessage[];
      }
    | {
        readonly name: 'SEARCH';
        readonly uid: boolean;
        /** RFC 4731 ESEARCH return options (MIN MAX ALL COUNT SAVE); null when no RETURN was given. */
        readonly returnOptions: readonly ('MIN' | 'MAX' | 'ALL' | 'COUNT' | 'SAVE')[] | null;
        readonly charset: string | null;
        readonly criteria: SearchKey;
      }
    | {
        readonly name: 'FETCH';
        readonly uid: boolean;
        readonly set: SequenceSet;
        readonly items: readonly FetchAtt[];
        /** The macro (ALL FAST FULL) or a single att is expanded into items. */
        readonly changedSince: number | null;
        readonly vanished: boolean;
      }
    | {
        readonly name: 'STORE';
        readonly uid: boolean;
        readonly set: SequenceSet;
        readonly operation: StoreOperation;
        readonly silent: boolean;
        readonly flags: readonly string[];
        readonly unchangedSince: number | null;
      }
    | { readonly name: 'COPY' | 'MOVE'; readonly uid: boolean; readonly set: SequenceSet; readonly mailbox: string }
    | { readonly name: 'UID EXPUNGE'; readonly set: SequenceSet }
    | {
        readonly name: 'SORT';
        readonly uid: boolean;
        /** RFC 5267 ESORT return options; null when no RETURN was given. */
        readonly returnOptions: readonly SortReturnOption[] | null;
        readonly criteria: readonly SortCriterion[];
        readonly charset: string;
        readonly search: SearchKey;
      }
    | { readonly name: 'THREAD'; readonly uid: boolean; readonly algorithm: ThreadAlgorithm; readonly charset: string; readonly search: SearchKey }
    /** RFC 4978 */
    | { readonly name: 'COMPRESS'; readonly mechanism: string /* upper-cased */ }
    /** RFC 9208 */
    | { readonly name: 'GETQUOTA'; readonly root: string }
    | { readonly name: 'GETQUOTAROOT'; readonly mailbox: string }
    | { readonly name: 'SETQUOTA'; readonly root: string; readonly limits: ReadonlyArray<readonly [string, number]> }
    /** RFC 5464; mailbox "" means the server's annotations */
    | { readonly name: 'GETMETADATA'; readonly mailbox: string; readonly maxSize: number | null; readonly depth: 0 | 1 | 'infinity'; readonly entries: readonly string[] }
    | { readonly name: 'SETMETADATA'; readonly mailbox: string; readonly values: ReadonlyArray<readonly [string, Buffer | null]> }
  );

export type CommandName = Command['name'];
