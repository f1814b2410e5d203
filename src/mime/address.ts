// RFC 5322 §3.4 address lists to ENVELOPE addresses (RFC 9051 §7.5.2), tolerant of what real mail
// contains: display names with quotes and comments, groups ("undisclosed-recipients:;"),
// route-addrs (obs-route, kept as the adl), bare local parts, stray specials. Never throws.
import type { Address } from './types.js';

type Token =
  | { readonly kind: 'word'; readonly value: string; readonly quoted: boolean }
  | { readonly kind: 'comment'; readonly value: string }
  | { readonly kind: 'special'; readonly value: string };

/** Like Dovecot: a missing local part or domain gets a placeholder, since host NIL would mean
 *  a group marker (RFC 9051 §7.5.2). */
const MISSING_MAILBOX = 'MISSING_MAILBOX';
const MISSING_DOMAIN = 'MISSING_DOMAIN';
/** Bounds the work on hostile headers. */
const MAX_ADDRESSES = 1000;

function tokenize(value: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < value.length) {
    const c = value[i] as string;
    if (c === ' ' || c === '\t' || c === '\r' || c === '\n') {
      i++;
    } else if (c === '"') {
      let s = '';
      i++;
      while (i < value.length && value[i] !== '"') {
        if (value[i] === '\\' && i + 1 < value.length) i++;
        s += value[i];
        i++;
      }
      i++;
      tokens.push({ kind: 'word', value: s, quoted: true });
    } else if (c === '(') {
      let depth = 1;
      let s = '';
      i++;
      while (i < value.length && depth > 0) {
        const d = value[i] as string;
        if (d === '\\' && i + 1 < value.length) {
          s += value[i + 1];
          i += 2;
          continue;
        }
        if (d === '(') depth++;
        else if (d === ')' && --depth === 0) break;
        s += d;
        i++;
      }
      i++;
      tokens.push({ kind: 'comment', value: s.trim() });
    } else if (c === '[') {
      // Domain literal (RFC 5322 §3.4.1), kept with its brackets.
      const close = value.indexOf(']', i);
      const end = close < 0 ? value.length : close + 1;
      tokens.push({ kind: 'word', value: value.slice(i, end), quoted: false });
      i = end;
    } else if ('<>@,;:'.includes(c)) {
      tokens.push({ kind: 'special', value: c });
      i++;
    } else {
      // An atom; dots are kept inside (dot-atom, obs-phrase "John Q. Public").
      let j = i;
      while (j < value.length && !' \t\r\n"(<>@,;:['.includes(value[j] as string)) j++;
      if (j === i) j = i + 1;
      tokens.push({ kind: 'word', value: value.slice(i, j), quoted: false });
      i = j;
    }
  }
  return tokens;
}

class Parser {
  private pos = 0;
  readonly out: Address[] = [];
  constructor(private readonly tokens: readonly Token[]) {}

  private peek(): Token | undefined {
    return this.tokens[this.pos];
  }
  private isSpecial(value: string): boolean {
    const t = this.peek();
    return t !== undefined && t.kind === 'special' && t.value === value;
  }

  /** address-list, with groups; stops at the end. */
  list(): void {
    while (this.pos < this.tokens.length && this.out.length < MAX_ADDRESSES) {
      const before = this.pos;
      this.address(false);
      if (this.pos === before) this.pos++; // always progress on garbage
    }
  }

  /** One address (mailbox or group). `inGroup` makes ";" end the group instead of being skipped. */
  private address(inGroup: boolean): void {
    const phrase: Token[] = [];
    const comments: string[] = [];
    for (;;) {
      const t = this.peek();
      if (t === undefined) break;
      if (t.kind === 'comment') {
        comments.push(t.value);
        this.pos++;
        continue;
      }
      if (t.kind === 'special') break;
      phrase.push(t);
      this.pos++;
    }
    const t = this.peek();
    const special = t?.kind === 'special' ? t.value : null;
    if (special === ':' && !inGroup) {
      this.pos++;
      this.group(phraseText(phrase));
      return;
    }
    if (special === '<') {
      this.pos++;
      const name = phrase.length > 0 ? phraseText(phrase) : null;
      this.angleAddr(name, comments);
      this.skipTo(inGroup);
      return;
    }
    if (special === '@') {
      this.pos++;
      const local = phrase.map((w) => w.value).join('');
      const host = this.domain(comments);
      this.push(comments.length > 0 ? (comments[comments.length - 1] as string) : null, null, local, host);
      this.skipTo(inGroup);
      return;
    }
    if (phrase.length > 0) {
      // A bare local part ("undisclosed-recipients", "root").
      this.push(comments.length > 0 ? (comments[comments.length - 1] as string) : null, null, phrase.map((w) => w.value).join(''), null);
    }
    if (special === ',' || (special !== null && special !== ';') || (special === ';' && !inGroup)) this.pos++;
  }

  private group(name: string): void {
    this.out.push({ name: null, adl: null, mailbox: name, host: null });
    while (this.pos < this.tokens.length && !this.isSpecial(';') && this.out.length < MAX_ADDRESSES) {
      const before = this.pos;
      this.address(true);
      if (this.pos === before) this.pos++;
    }
    if (this.isSpecial(';')) this.pos++;
    this.out.push({ name: null, adl: null, mailbox: null, host: null });
    if (this.isSpecial(',')) this.pos++;
  }

  /** After "<": [route ":"] local "@" domain ">". */
  private angleAddr(name: string | null, comments: string[]): void {
    let adl: string | null = null;
    if (this.isSpecial('@')) {
      // obs-route: "@a,@b:" (RFC 5322 §4.4)
      const route: string[] = [];
      while (this.isSpecial('@') || this.isSpecial(',')) {
        if (this.isSpecial(',')) {
          this.pos++;
          continue;
        }
        this.pos++;
        const t = this.peek();
        if (t?.kind === 'word') {
          route.push('@' + t.value);
          this.pos++;
        }
      }
      if (this.isSpecial(':')) this.pos++;
      adl = route.length > 0 ? route.join(',') : null;
    }
    let local = '';
    while (this.peek()?.kind === 'word' || this.peek()?.kind === 'comment') {
      const t = this.peek() as Token;
      if (t.kind === 'word') local += t.value;
      this.pos++;
    }
    let host: string | null = null;
    if (this.isSpecial('@')) {
      this.pos++;
      host = this.domain(comments);
    }
    if (this.isSpecial('>')) this.pos++;
    if (local === '' && host === null && adl === null) {
      // "<>" (null return path) or garbage: RFC 9051 needs a mailbox; keep the name if any.
      if (name === null) return;
    }
    this.push(name, adl, local, host);
  }

  private domain(comments: string[]): string | null {
    let host = '';
    for (;;) {
      const t = this.peek();
      if (t === undefined) break;
      if (t.kind === 'comment') comments.push(t.value);
      else if (t.kind === 'word') host += t.value;
      else break;
      this.pos++;
    }
    return host === '' ? null : host;
  }

  /** Skips what is left of a malformed address up to "," (or ";" in a group). */
  private skipTo(inGroup: boolean): void {
    while (this.pos < this.tokens.length) {
      const t = this.peek() as Token;
      if (t.kind === 'special' && t.value === ',') {
        this.pos++;
        return;
      }
      if (t.kind === 'special' && t.value === ';' && inGroup) return;
      this.pos++;
    }
  }

  private push(name: string | null, adl: string | null, mailbox: string, host: string | null): void {
    this.out.push({
      name: name === '' ? null : name,
      adl,
      mailbox: mailbox === '' ? MISSING_MAILBOX : mailbox,
      host: host ?? MISSING_DOMAIN,
    });
  }
}

/** Words of a phrase joined by single spaces (RFC 5322 §3.2.5); quoted strings unquoted. */
function phraseText(words: readonly Token[]): string {
  return words.map((w) => w.value).join(' ');
}

/** Parses an unfolded address-list header value; [] when it holds no address. */
export function parseAddressList(value: string): Address[] {
  const parser = new Parser(tokenize(value));
  parser.list();
  return parser.out;
}
