// The cursor over a framed request and the ABNF primitives of RFC 9051 §9 (atom, astring,
// string, number, sequence-set, flag, date...). Command grammars build on these.
import type { Request } from './reader.js';
import type { SeqRange, SequenceSet } from './ast.js';
import { ParseError } from './errors.js';

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
// RFC 9051 §9 atom-specials: "(" / ")" / "{" / SP / CTL / list-wildcards / quoted-specials / resp-specials
const ATOM_SPECIALS = '(){ %*"\\]';
const SYSTEM_FLAGS = ['\\Answered', '\\Flagged', '\\Deleted', '\\Seen', '\\Draft', '\\Recent'];

export function isAtomChar(c: string): boolean {
  const code = c.charCodeAt(0);
  return code > 0x20 && code < 0x7f && !ATOM_SPECIALS.includes(c);
}

export class Parser {
  private part = 0;
  private pos = 0;
  tag: string | null = null;

  constructor(
    private readonly request: Request,
    readonly maxNesting: number,
  ) {
    // A request always starts and ends with text; guard anyway.
    if (request.parts[0]?.kind !== 'text') this.part = -1;
  }

  // ---- cursor ----

  private get text(): string {
    const p = this.request.parts[this.part];
    return p?.kind === 'text' ? p.text : '';
  }

  /** Column in the command (1-based), counting the text of the line pieces. */
  column(): number {
    let col = this.pos + 1;
    for (let i = 0; i < this.part; i++) {
      const p = this.request.parts[i];
      if (p?.kind === 'text') col += p.text.length;
    }
    return col;
  }

  fail(what: string): never {
    throw new ParseError(`${what} at column ${this.column()}`, this.tag);
  }

  /** Fails with "Expected X [context] at column N". */
  expected(what: string, context?: string): never {
    this.fail(`Expected ${what}${context ? ` ${context}` : ''}`);
  }

  peek(): string {
    return this.text.charAt(this.pos);
  }

  /** True when the next token is a literal. */
  atLiteral(): boolean {
    return this.pos >= this.text.length && this.request.parts[this.part + 1]?.kind === 'literal';
  }

  atEnd(): boolean {
    return this.pos >= this.text.length && this.part >= this.request.parts.length - 1;
  }

  /** True when the next token ends (end of command or a closing paren follows). */
  atEndOrClose(): boolean {
    return this.atEnd() || this.peek() === ')';
  }

  tryChar(c: string): boolean {
    if (this.peek() === c) {
      this.pos++;
      return true;
    }
    return false;
  }

  expectChar(c: string, context?: string): void {
    if (!this.tryChar(c)) this.expected(`"${c}"`, context);
  }

  sp(context?: string): void {
    if (!this.tryChar(' ')) this.expected('a space', context);
  }

  expectEnd(context = 'after the command'): void {
    if (!this.atEnd()) this.fail(`Unexpected ${this.atLiteral() ? 'literal' : `"${this.text.slice(this.pos, this.pos + 20)}"`} ${context}`);
  }

  /** Case-insensitive keyword followed by a non-atom char; consumed only on match. */
  tryKeyword(word: string): boolean {
    const t = this.text;
    const end = this.pos + word.length;
    if (t.slice(this.pos, end).toUpperCase() !== word) return false;
    const next = t.charAt(end);
    if (next !== '' && isAtomChar(next) && next !== '[') return false;
    this.pos = end;
    return true;
  }

  /** Consumes `s` when the text continues with exactly it (case-insensitive, no word boundary check). */
  tryText(s: string): boolean {
    const end = this.pos + s.length;
    if (this.text.slice(this.pos, end).toUpperCase() !== s.toUpperCase()) return false;
    this.pos = end;
    return true;
  }

  /** Consumes characters while `ok` holds. */
  takeWhile(ok: (c: string) => boolean): string {
    const t = this.text;
    const start = this.pos;
    while (this.pos < t.length && ok(t.charAt(this.pos))) this.pos++;
    return t.slice(start, this.pos);
  }

  // ---- RFC 9051 §9 primitives ----

  /** tag = 1*<any ASTRING-CHAR except "+"> */
  readTag(): string {
    const tag = this.takeWhile((c) => (isAtomChar(c) || c === ']') && c !== '+');
    if (tag === '') this.expected('a tag');
    this.tag = tag;
    return tag;
  }

  atom(context?: string): string {
    const a = this.takeWhile(isAtomChar);
    if (a === '') this.expected('an atom', context);
    return a;
  }

  /** ASTRING-CHAR = ATOM-CHAR / resp-specials */
  astring(context?: string): string {
    const c = this.peek();
    if (c === '"' || this.atLiteral()) return this.string(context);
    const a = this.takeWhile((ch) => isAtomChar(ch) || ch === ']');
    if (a === '') this.expected('an atom or a string', context);
    return a;
  }

  /** string = quoted / literal; literal bytes are decoded as UTF-8. */
  string(context?: string): string {
    if (this.atLiteral()) return this.literal().toString('utf8');
    if (this.peek() === '"') return this.quoted(context);
    this.expected('a string', context);
  }

  literal(): Buffer {
    const p = this.request.parts[this.part + 1];
    if (!this.atLiteral() || p?.kind !== 'literal') this.expected('a literal');
    this.part += 2;
    this.pos = 0;
    return p.bytes;
  }

  /** Whether the literal about to be read is a literal8 (~{n}). */
  literalIsBinary(): boolean {
    const p = this.request.parts[this.part + 1];
    return p?.kind === 'literal' && p.binary;
  }

  quoted(context?: string): string {
    this.expectChar('"', context);
    const t = this.text;
    // RFC 6855 §3: 8-bit octets in a quoted string that are not UTF-8 get BAD.
    const badUtf8 = (this.request.parts[this.part] as { badUtf8?: true } | undefined)?.badUtf8 === true;
    let out = '';
    for (;;) {
      if (this.pos >= t.length) this.fail('Unterminated quoted string');
      const c = t.charAt(this.pos++);
      if (c === '"') {
        if (badUtf8 && out.includes('\ufffd')) this.fail('Quoted string is not valid UTF-8');
        return out;
      }
      if (c === '\\') {
        const e = t.charAt(this.pos++);
        // RFC 9051 §9: only quoted-specials may be escaped
        if (e !== '"' && e !== '\\') {
          this.pos--;
          this.fail('Invalid escape in quoted string');
        }
        out += e;
      } else if (c === '\0') {
        this.pos--;
        this.fail('NUL in quoted string');
      } else out += c;
    }
  }

  nstring(context?: string): string | null {
    if (this.tryKeyword('NIL')) return null;
    return this.string(context);
  }

  /** number = 1*DIGIT (up to 2^32-1); number64 up to 2^63-1, here bounded by exact JS integers. */
  number(context?: string, max = 0xffffffff): number {
    const d = this.takeWhile((c) => c >= '0' && c <= '9');
    if (d === '') this.expected('a number', context);
    const n = Number(d);
    if (d.length > 16 || n > max) {
      this.pos -= d.length;
      this.fail(`Number ${d.length > 30 ? d.slice(0, 30) + '...' : d} out of range`);
    }
    return n;
  }

  nzNumber(context?: string, max = 0xffffffff): number {
    const n = this.number(context, max);
    if (n === 0) {
      this.pos--;
      this.expected('a non-zero number', context);
    }
    return n;
  }

  /** mod-sequence-value = 1*DIGIT, 63 bits (RFC 7162 §7); we accept what JS counts exactly. */
  number64(context?: string): number {
    return this.number(context, Number.MAX_SAFE_INTEGER);
  }

  /** sequence-set = (seq-number / seq-range) ["," sequence-set]; "$" (RFC 5182) */
  sequenceSet(context?: string): SequenceSet {
    if (this.tryChar('$')) return { kind: 'saved' };
    const ranges: SeqRange[] = [];
    do {
      const start = this.seqNumber(context);
      const end = this.tryChar(':') ? this.seqNumber(context) : start;
      ranges.push({ start, end });
    } while (this.tryChar(','));
    return { kind: 'set', ranges };
  }

  seqNumber(context?: string): number | '*' {
    if (this.tryChar('*')) return '*';
    const c = this.peek();
    if (c < '0' || c > '9' || c === '') this.expected('a sequence set', context);
    return this.nzNumber(context);
  }

  /** True when a sequence set starts here. */
  atSequenceSet(): boolean {
    const c = this.peek();
    return c === '*' || c === '$' || (c >= '0' && c <= '9' && c !== '');
  }

  /** flag = "\Answered" / ... / flag-keyword / flag-extension; system flags in their canonical case. */
  flag(context?: string): string {
    const backslash = this.tryChar('\\');
    const name = this.takeWhile(isAtomChar);
    if (name === '') this.expected('a flag', context);
    if (!backslash) return name;
    const f = '\\' + name;
    return SYSTEM_FLAGS.find((s) => s.toUpperCase() === f.toUpperCase()) ?? f;
  }

  /** flag-list = "(" [flag *(SP flag)] ")" */
  flagList(context?: string): string[] {
    this.expectChar('(', context);
    const flags: string[] = [];
    if (this.tryChar(')')) return flags;
    do flags.push(this.flag(context));
    while (this.tryChar(' '));
    this.expectChar(')', 'after the flags');
    return flags;
  }

  /** mailbox = "INBOX" / astring — returned raw (RFC 9051 §5.1). */
  mailbox(context = 'mailbox name'): string {
    return this.astring(context ? `as ${context}` : undefined);
  }

  /** date = date-text / DQUOTE date-text DQUOTE; date-text = date-day "-" date-month "-" date-year -> YYYY-MM-DD */
  date(context?: string): string {
    if (this.atLiteral()) {
      // Some clients send dates as literals; accept the same text.
      const sub = new Parser({ parts: [{ kind: 'text', text: this.literal().toString('latin1') }] }, 1);
      const d = sub.dateText(context);
      if (!sub.atEnd()) this.expected('a date like 1-Feb-1994', context);
      return d;
    }
    const q = this.tryChar('"');
    const d = this.dateText(context);
    if (q) this.expectChar('"', 'after the date');
    return d;
  }

  private dateText(context?: string): string {
    const start = this.pos;
    const m = /^(\d{1,2})-([A-Za-z]{3})-(\d{4})/.exec(this.text.slice(this.pos));
    if (!m) this.expected('a date like 1-Feb-1994', context);
    const day = Number(m[1]);
    const month = MONTHS.indexOf((m[2] as string).toUpperCase()) + 1;
    const year = Number(m[3]);
    if (month === 0 || day < 1 || day > daysInMonth(year, month)) {
      this.expected('a date like 1-Feb-1994', context);
    }
    this.pos = start + m[0].length;
    return `${m[3]}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
  }

  /** date-time = DQUOTE date-day-fixed "-" date-month "-" date-year SP time SP zone DQUOTE */
  dateTime(context?: string): Date {
    const m = /^"([ \d]?\d)-([A-Za-z]{3})-(\d{4}) (\d\d):(\d\d):(\d\d) ([+-])(\d\d)(\d\d)"/.exec(this.text.slice(this.pos));
    if (!m) this.expected('a date-time like "01-Feb-1994 21:30:00 +0100"', context);
    const day = Number((m[1] as string).trim());
    const month = MONTHS.indexOf((m[2] as string).toUpperCase()) + 1;
    const year = Number(m[3]);
    const [h, min, s, zh, zm] = [m[4], m[5], m[6], m[8], m[9]].map(Number) as [number, number, number, number, number];
    if (month === 0 || day < 1 || day > daysInMonth(year, month) || h > 23 || min > 59 || s > 60 || zm > 59) {
      this.expected('a valid date-time', context);
    }
    const offset = (m[7] === '-' ? -1 : 1) * (zh * 60 + zm);
    this.pos += m[0].length;
    return new Date(Date.UTC(year, month - 1, day, h, min, Math.min(s, 59)) - offset * 60_000);
  }

  /** Runs `fn` one nesting level deeper; fails past maxNesting (limits.ts maxNesting). */
  nested<T>(depth: number, fn: (depth: number) => T): T {
    if (depth >= this.maxNesting) this.fail(`Nesting deeper than ${this.maxNesting}`);
    return fn(depth + 1);
  }
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}
