// The command grammar: a framed request -> the typed AST of ast.ts (RFC 9051 §6, RFC 3501 §6
// and the extensions we speak). Syntax only; what a command means is src/imap/commands' business.
import type { AppendMessage, Command, ListReturnOption, ListSelectionOption, QresyncParams, SequenceSet, StatusItem, StoreOperation } from './ast.js';
import type { Request } from './reader.js';
import { ParseError } from './errors.js';
import { Parser } from './parser.js';
import { fetchItems } from './fetch-grammar.js';
import { searchCriteria } from './search-grammar.js';
import { sortCommand, threadCommand } from './sort-grammar.js';
import { quotaCommand } from './quota-grammar.js';
import { getMetadataCommand, setMetadataCommand } from './metadata-grammar.js';

export { ParseError } from './errors.js';

const NO_ARGS = ['CAPABILITY', 'NOOP', 'LOGOUT', 'STARTTLS', 'CHECK', 'CLOSE', 'UNSELECT', 'EXPUNGE', 'IDLE', 'NAMESPACE', 'UNAUTHENTICATE'] as const;
const STATUS_ITEMS: readonly StatusItem[] = ['MESSAGES', 'UIDNEXT', 'UIDVALIDITY', 'UNSEEN', 'DELETED', 'SIZE', 'RECENT', 'HIGHESTMODSEQ', 'APPENDLIMIT', 'MAILBOXID', 'DELETED-STORAGE'];
const SELECTION: readonly ListSelectionOption[] = ['SUBSCRIBED', 'REMOTE', 'RECURSIVEMATCH', 'SPECIAL-USE'];
const SEARCH_RETURN = ['MIN', 'MAX', 'ALL', 'COUNT', 'SAVE'] as const;

/** Parses one framed request; throws ParseError (-> tagged BAD) naming what was expected where. */
export function parseCommand(request: Request, maxNesting = 64): Command {
  const p = new Parser(request, maxNesting);
  const tag = p.readTag();
  p.sp('after the tag');
  const name = p.takeWhile((c) => /[A-Za-z0-9.-]/.test(c)).toUpperCase();
  if (name === '') p.expected('a command name');
  const cmd = command(p, tag, name);
  p.expectEnd(`after ${name}`);
  return cmd;
}

function command(p: Parser, tag: string, name: string): Command {
  const noArgs = NO_ARGS.find((n) => n === name);
  if (noArgs) return { tag, name: noArgs };
  switch (name) {
    case 'AUTHENTICATE':
      return authenticate(p, tag);
    case 'LOGIN': {
      p.sp('after LOGIN');
      const user = p.astring('as the user name');
      p.sp('after the user name');
      return { tag, name, user, password: p.astring('as the password') };
    }
    case 'ENABLE': {
      const capabilities: string[] = [];
      p.sp('after ENABLE');
      do capabilities.push(p.atom('as a capability').toUpperCase());
      while (p.tryChar(' '));
      return { tag, name, capabilities };
    }
    case 'ID':
      p.sp('after ID');
      return { tag, name, params: idParams(p) };
    case 'SELECT':
    case 'EXAMINE':
      return select(p, tag, name);
    case 'CREATE':
      return create(p, tag);
    case 'DELETE':
    case 'SUBSCRIBE':
    case 'UNSUBSCRIBE':
      p.sp(`after ${name}`);
      return { tag, name, mailbox: p.mailbox() };
    case 'RENAME': {
      p.sp('after RENAME');
      const from = p.mailbox('existing mailbox name');
      p.sp('after the existing mailbox name');
      return { tag, name, from, to: p.mailbox('new mailbox name') };
    }
    case 'LIST':
      return list(p, tag);
    case 'LSUB': {
      p.sp('after LSUB');
      const reference = p.mailbox('reference name');
      p.sp('after the reference name');
      return { tag, name, reference, pattern: listMailbox(p) };
    }
    case 'STATUS':
      return status(p, tag);
    case 'APPEND':
      return append(p, tag);
    case 'SEARCH':
      return search(p, tag, false);
    case 'FETCH':
      return fetch(p, tag, false);
    case 'STORE':
      return store(p, tag, false);
    case 'COPY':
    case 'MOVE':
      return copy(p, tag, name, false);
    case 'UID':
      return uid(p, tag);
    case 'SORT':
      return sortCommand(p, tag, false);
    case 'THREAD':
      return threadCommand(p, tag, false);
    case 'COMPRESS': // RFC 4978 §5: "COMPRESS" SP algorithm
      p.sp('after COMPRESS');
      return { tag, name, mechanism: p.atom('as the compression mechanism').toUpperCase() };
    case 'GETQUOTA':
    case 'GETQUOTAROOT':
    case 'SETQUOTA':
      return quotaCommand(p, tag, name);
    case 'GETMETADATA':
      return getMetadataCommand(p, tag);
    case 'SETMETADATA':
      return setMetadataCommand(p, tag);
  }
  throw new ParseError(`Unknown command "${name.slice(0, 40)}"`, tag);
}

function uid(p: Parser, tag: string): Command {
  p.sp('after UID');
  const name = p.takeWhile((c) => /[A-Za-z]/.test(c)).toUpperCase();
  switch (name) {
    case 'FETCH':
      return fetch(p, tag, true);
    case 'STORE':
      return store(p, tag, true);
    case 'SEARCH':
      return search(p, tag, true);
    case 'SORT':
      return sortCommand(p, tag, true);
    case 'THREAD':
      return threadCommand(p, tag, true);
    case 'COPY':
    case 'MOVE':
      return copy(p, tag, name, true);
    case 'EXPUNGE': // RFC 4315 §2.1 / RFC 9051 §6.4.9
      p.sp('after UID EXPUNGE');
      return { tag, name: 'UID EXPUNGE', set: p.sequenceSet('after UID EXPUNGE') };
  }
  throw new ParseError(name === '' ? 'Expected FETCH, STORE, SEARCH, COPY, MOVE or EXPUNGE after UID' : `Unknown command "UID ${name.slice(0, 40)}"`, tag);
}

/** AUTHENTICATE SP auth-type [SP initial-resp]; initial-resp = base64 / "=" (RFC 4959) */
function authenticate(p: Parser, tag: string): Command {
  p.sp('after AUTHENTICATE');
  const mechanism = p.atom('as the SASL mechanism').toUpperCase();
  let initialResponse: string | null = null;
  if (p.tryChar(' ')) {
    initialResponse = p.takeWhile((c) => /[A-Za-z0-9+/=]/.test(c));
    if (initialResponse === '') p.expected('a base64 initial response');
  }
  return { tag, name: 'AUTHENTICATE', mechanism, initialResponse };
}

/** id_params_list ::= "(" #(string SPACE nstring) ")" / nil (RFC 2971 §4) */
function idParams(p: Parser): Array<readonly [string, string | null]> | null {
  if (p.tryKeyword('NIL')) return null;
  p.expectChar('(', 'to open the ID parameter list');
  const params: Array<readonly [string, string | null]> = [];
  if (p.tryChar(')')) return params;
  do {
    const key = p.string('as an ID field name');
    p.sp('after the ID field name');
    params.push([key, p.nstring('as an ID field value')]);
  } while (p.tryChar(' '));
  p.expectChar(')', 'after the ID parameters');
  return params;
}

/** select-params = "(" select-param *(SP select-param) ")" (RFC 4466 §2.1; CONDSTORE RFC 7162 §3.1.8, QRESYNC §3.2.5) */
function select(p: Parser, tag: string, name: 'SELECT' | 'EXAMINE'): Command {
  p.sp(`after ${name}`);
  const mailbox = p.mailbox();
  let condstore = false;
  let qresync: QresyncParams | null = null;
  if (p.tryChar(' ')) {
    p.expectChar('(', 'to open the select parameters');
    do {
      const param = p.atom('as a select parameter').toUpperCase();
      if (param === 'CONDSTORE') condstore = true;
      else if (param === 'QRESYNC') {
        p.sp('after QRESYNC');
        qresync = qresyncParams(p);
      } else p.fail(`Unknown select parameter "${param}"`);
    } while (p.tryChar(' '));
    p.expectChar(')', 'after the select parameters');
  }
  return { tag, name, mailbox, condstore, qresync };
}

/** "(" uidvalidity SP mod-sequence-value [SP known-uids] [SP seq-match-data] ")" (RFC 7162 §7) */
function qresyncParams(p: Parser): QresyncParams {
  p.expectChar('(', 'to open the QRESYNC parameters');
  const uidValidity = p.nzNumber('as the UIDVALIDITY');
  p.sp('after the UIDVALIDITY');
  const modseq = p.number64('as the mod-sequence');
  if (modseq === 0) p.fail('The QRESYNC mod-sequence must be above 0');
  let knownUids: SequenceSet | null = null;
  let seqMatch: QresyncParams['seqMatch'] = null;
  if (p.tryChar(' ')) {
    if (p.peek() !== '(') {
      knownUids = plainSet(p, 'as the known UIDs');
      if (p.tryChar(' ')) p.expectChar('(', 'to open the sequence match data');
      else {
        p.expectChar(')', 'after the QRESYNC parameters');
        return { uidValidity, modseq, knownUids, seqMatch };
      }
    } else p.expectChar('(', 'to open the sequence match data');
    const msns = plainSet(p, 'as the known sequence set');
    p.sp('after the known sequence set');
    const uids = plainSet(p, 'as the known UID set');
    p.expectChar(')', 'after the sequence match data');
    seqMatch = { msns, uids };
  }
  p.expectChar(')', 'after the QRESYNC parameters');
  return { uidValidity, modseq, knownUids, seqMatch };
}

/** A sequence set that may not be "$" (RFC 7162 known-uids, seq-match-data). */
function plainSet(p: Parser, context: string): SequenceSet {
  const set = p.sequenceSet(context);
  if (set.kind === 'saved') p.fail(`"$" is not allowed ${context}`);
  return set;
}

/** create-param = "USE" SP "(" [use-attr *(SP use-attr)] ")" (RFC 6154 §3) */
function create(p: Parser, tag: string): Command {
  p.sp('after CREATE');
  const mailbox = p.mailbox();
  const specialUse: string[] = [];
  if (p.tryChar(' ')) {
    p.expectChar('(', 'to open the create parameters');
    do {
      if (!p.tryKeyword('USE')) p.expected('USE', 'as a create parameter');
      p.sp('after USE');
      p.expectChar('(', 'to open the special-use list');
      if (!p.tryChar(')')) {
        do {
          p.expectChar('\\', 'to start a special-use attribute');
          specialUse.push('\\' + p.atom('as a special-use attribute'));
        } while (p.tryChar(' '));
        p.expectChar(')', 'after the special-use attributes');
      }
    } while (p.tryChar(' '));
    p.expectChar(')', 'after the create parameters');
  }
  return { tag, name: 'CREATE', mailbox, specialUse };
}

/** list-mailbox = 1*list-char / string; list-char = ATOM-CHAR / list-wildcards / resp-specials */
function listMailbox(p: Parser): string {
  if (p.peek() === '"' || p.atLiteral()) return p.string('as the mailbox pattern');
  const s = p.takeWhile((c) => {
    const code = c.charCodeAt(0);
    return code > 0x20 && code < 0x7f && !'(){"\\'.includes(c);
  });
  if (s === '') p.expected('a mailbox pattern');
  return s;
}

/** list = "LIST" [SP list-select-opts] SP mailbox SP mbox-or-pat [SP list-return-opts] (RFC 5258 §6) */
function list(p: Parser, tag: string): Command {
  p.sp('after LIST');
  let extended = false;
  const selection: ListSelectionOption[] = [];
  if (p.tryChar('(')) {
    extended = true;
    if (!p.tryChar(')')) {
      do {
        const opt = p.atom('as a LIST selection option').toUpperCase();
        const known = SELECTION.find((s) => s === opt);
        // RFC 5258 §3: an unrecognized selection option is an error.
        if (!known) p.fail(`Unknown LIST selection option "${opt}"`);
        if (!selection.includes(known)) selection.push(known);
      } while (p.tryChar(' '));
      p.expectChar(')', 'after the LIST selection options');
    }
    // RFC 5258 §3.1: RECURSIVEMATCH needs another option that is not REMOTE.
    if (selection.includes('RECURSIVEMATCH') && !selection.some((s) => s !== 'RECURSIVEMATCH' && s !== 'REMOTE')) {
      p.fail('RECURSIVEMATCH needs another selection option');
    }
    p.sp('after the LIST selection options');
  }
  const reference = p.mailbox('reference name');
  p.sp('after the reference name');
  const patterns: string[] = [];
  if (p.tryChar('(')) {
    extended = true;
    do patterns.push(listMailbox(p));
    while (p.tryChar(' '));
    p.expectChar(')', 'after the mailbox patterns');
  } else patterns.push(listMailbox(p));
  const returnOptions: ListReturnOption[] = [];
  if (p.tryChar(' ')) {
    if (!p.tryKeyword('RETURN')) p.expected('RETURN', 'after the mailbox pattern');
    extended = true;
    p.sp('after RETURN');
    p.expectChar('(', 'to open the LIST return options');
    if (!p.tryChar(')')) {
      do returnOptions.push(listReturnOption(p));
      while (p.tryChar(' '));
      p.expectChar(')', 'after the LIST return options');
    }
  }
  return { tag, name: 'LIST', selection, reference, patterns, returnOptions, extended };
}

function listReturnOption(p: Parser): ListReturnOption {
  const opt = p.atom('as a LIST return option').toUpperCase();
  switch (opt) {
    case 'SUBSCRIBED':
    case 'CHILDREN':
    case 'SPECIAL-USE':
      return { kind: opt };
    case 'STATUS': // RFC 5819 §2
      p.sp('after STATUS');
      return { kind: 'STATUS', items: statusItems(p) };
  }
  p.fail(`Unknown LIST return option "${opt}"`);
}

function statusItems(p: Parser): StatusItem[] {
  p.expectChar('(', 'to open the status items');
  const items: StatusItem[] = [];
  do {
    const att = p.atom('as a status item').toUpperCase();
    const item = STATUS_ITEMS.find((s) => s === att);
    if (!item) p.fail(`Unknown status item "${att}"`);
    items.push(item);
  } while (p.tryChar(' '));
  p.expectChar(')', 'after the status items');
  return items;
}

function status(p: Parser, tag: string): Command {
  p.sp('after STATUS');
  const mailbox = p.mailbox();
  p.sp('after the mailbox name');
  return { tag, name: 'STATUS', mailbox, items: statusItems(p) };
}

/** append = "APPEND" SP mailbox 1*append-message (RFC 3502 §6, MULTIAPPEND);
 *  append-message = [SP flag-list] [SP date-time] SP append-data (RFC 9051 §6.3.12);
 *  append-data = literal / literal8 (RFC 3516 §4.4) / utf8-literal; utf8-literal = "UTF8" SP "(" literal8 ")" (RFC 6855 §4) */
function append(p: Parser, tag: string): Command {
  p.sp('after APPEND');
  const mailbox = p.mailbox();
  const messages: AppendMessage[] = [];
  do {
    p.sp(messages.length === 0 ? 'after the mailbox name' : 'before the next message');
    messages.push(appendMessage(p));
  } while (!p.atEnd());
  return { tag, name: 'APPEND', mailbox, messages };
}

function appendMessage(p: Parser): AppendMessage {
  let flags: string[] = [];
  let internalDate: Date | null = null;
  if (p.peek() === '(') {
    flags = p.flagList('as the APPEND flags');
    p.sp('after the flags');
  }
  if (p.peek() === '"') {
    internalDate = p.dateTime('as the APPEND date-time');
    p.sp('after the date-time');
  }
  if (p.tryKeyword('UTF8')) {
    p.sp('after UTF8');
    p.expectChar('(', 'after UTF8');
    if (!p.atLiteral() || !p.literalIsBinary()) p.expected('the message as a literal8 (~{n})', 'in UTF8 (...)');
    const message = p.literal();
    p.expectChar(')', 'after the UTF8 message');
    return { flags, internalDate, message, binary: true, utf8: true };
  }
  if (!p.atLiteral()) p.expected('the message as a literal', 'in APPEND');
  const binary = p.literalIsBinary();
  return { flags, internalDate, message: p.literal(), binary, utf8: false };
}

/** search = "SEARCH" [search-return-opts] [SP "CHARSET" SP charset] 1*(SP search-key) (RFC 9051 §6.4.4, RFC 4731 §3.1) */
function search(p: Parser, tag: string, uid: boolean): Command {
  p.sp('after SEARCH');
  let returnOptions: Array<(typeof SEARCH_RETURN)[number]> | null = null;
  if (p.tryKeyword('RETURN')) {
    returnOptions = [];
    p.sp('after RETURN');
    p.expectChar('(', 'to open the SEARCH return options');
    if (!p.tryChar(')')) {
      do {
        const opt = p.atom('as a SEARCH return option').toUpperCase();
        const known = SEARCH_RETURN.find((s) => s === opt);
        if (!known) p.fail(`Unknown SEARCH return option "${opt}"`);
        if (!returnOptions.includes(known)) returnOptions.push(known);
      } while (p.tryChar(' '));
      p.expectChar(')', 'after the SEARCH return options');
    }
    p.sp('after the SEARCH return options');
  }
  let charset: string | null = null;
  if (p.tryKeyword('CHARSET')) {
    p.sp('after CHARSET');
    charset = p.astring('as the charset');
    p.sp('after the charset');
  }
  return { tag, name: 'SEARCH', uid, returnOptions, charset, criteria: searchCriteria(p) };
}

/** fetch = "FETCH" SP sequence-set SP (macro / att / "(" att*(SP att) ")") [fetch-modifiers] (RFC 7162 §3.1.4, §3.2.6) */
function fetch(p: Parser, tag: string, uid: boolean): Command {
  p.sp('after FETCH');
  const set = p.sequenceSet('after FETCH');
  p.sp('after the sequence set');
  const items = fetchItems(p);
  let changedSince: number | null = null;
  let vanished = false;
  if (p.tryChar(' ')) {
    p.expectChar('(', 'to open the FETCH modifiers');
    do {
      if (p.tryKeyword('CHANGEDSINCE')) {
        p.sp('after CHANGEDSINCE');
        changedSince = p.number64('after CHANGEDSINCE');
      } else if (p.tryKeyword('VANISHED')) vanished = true;
      else p.expected('CHANGEDSINCE or VANISHED', 'as a FETCH modifier');
    } while (p.tryChar(' '));
    p.expectChar(')', 'after the FETCH modifiers');
    // RFC 7162 §3.2.6: VANISHED only in UID FETCH, and only with CHANGEDSINCE.
    if (vanished && (!uid || changedSince === null)) p.fail('VANISHED needs UID FETCH and CHANGEDSINCE');
  }
  return { tag, name: 'FETCH', uid, set, items, changedSince, vanished };
}

/** store = "STORE" SP sequence-set [store-modifiers] SP store-att-flags (RFC 9051 §6.4.6, RFC 7162 §3.1.3) */
function store(p: Parser, tag: string, uid: boolean): Command {
  p.sp('after STORE');
  const set = p.sequenceSet('after STORE');
  p.sp('after the sequence set');
  let unchangedSince: number | null = null;
  if (p.tryChar('(')) {
    if (!p.tryKeyword('UNCHANGEDSINCE')) p.expected('UNCHANGEDSINCE', 'as a STORE modifier');
    p.sp('after UNCHANGEDSINCE');
    unchangedSince = p.number64('after UNCHANGEDSINCE');
    p.expectChar(')', 'after the STORE modifiers');
    p.sp('after the STORE modifiers');
  }
  let operation: StoreOperation = 'replace';
  if (p.tryChar('+')) operation = 'add';
  else if (p.tryChar('-')) operation = 'remove';
  const att = p.takeWhile((c) => /[A-Za-z.]/.test(c)).toUpperCase();
  if (att !== 'FLAGS' && att !== 'FLAGS.SILENT') p.expected('FLAGS, +FLAGS or -FLAGS (optionally .SILENT)', 'in STORE');
  p.sp(`after ${att}`);
  let flags: string[];
  if (p.peek() === '(') flags = p.flagList('in STORE');
  else {
    flags = [];
    do flags.push(p.flag('in STORE'));
    while (p.tryChar(' '));
  }
  return { tag, name: 'STORE', uid, set, operation, silent: att === 'FLAGS.SILENT', flags, unchangedSince };
}

function copy(p: Parser, tag: string, name: 'COPY' | 'MOVE', uid: boolean): Command {
  p.sp(`after ${name}`);
  const set = p.sequenceSet(`after ${name}`);
  p.sp('after the sequence set');
  return { tag, name, uid, set, mailbox: p.mailbox() };
}
