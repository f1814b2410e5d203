// METADATA commands (RFC 5464 §5):
//   getmetadata = "GETMETADATA" [SP getmetadata-options] SP mailbox SP entries
//   getmetadata-options = "(" getmetadata-option *(SP getmetadata-option) ")"  (MAXSIZE n, DEPTH 0/1/infinity)
//   entries = entry / "(" entry *(SP entry) ")"
//   setmetadata = "SETMETADATA" SP mailbox SP entry-values; entry-values = "(" entry SP value *(SP entry SP value) ")"
//   value = nstring / literal8
import type { Command } from './ast.js';
import type { Parser } from './parser.js';

export function getMetadataCommand(p: Parser, tag: string): Command {
  p.sp('after GETMETADATA');
  let options: Options = { maxSize: null, depth: 0 };
  if (p.tryChar('(')) {
    options = getMetadataOptions(p);
    p.sp('after the GETMETADATA options');
  }
  const mailbox = p.mailbox();
  p.sp('after the mailbox name');
  const entries: string[] = [];
  if (p.tryChar('(')) {
    // The RFC's own examples (§4.2.1, §4.2.2) put the options after the mailbox; accept that too.
    if (p.peek() !== '/' && p.peek() !== '"' && !p.atLiteral()) {
      options = getMetadataOptions(p);
      p.sp('after the GETMETADATA options');
      if (!p.tryChar('(')) {
        do entries.push(entry(p));
        while (p.tryChar(' '));
        return { tag, name: 'GETMETADATA', mailbox, ...options, entries };
      }
    }
    do entries.push(entry(p));
    while (p.tryChar(' '));
    p.expectChar(')', 'after the entries');
  } else {
    // RFC 5464 §4.4.1 shows several entries without parentheses; accept that too.
    do entries.push(entry(p));
    while (p.tryChar(' '));
  }
  return { tag, name: 'GETMETADATA', mailbox, ...options, entries };
}

interface Options {
  maxSize: number | null;
  depth: 0 | 1 | 'infinity';
}

/** The options after their "(" up to and including ")": MAXSIZE number, DEPTH ("0" / "1" / "infinity"). */
function getMetadataOptions(p: Parser): Options {
  const o: Options = { maxSize: null, depth: 0 };
  do {
    const opt = p.atom('as a GETMETADATA option').toUpperCase();
    p.sp(`after ${opt}`);
    if (opt === 'MAXSIZE') o.maxSize = p.number('after MAXSIZE');
    else if (opt === 'DEPTH') {
      const d = p.atom('after DEPTH').toLowerCase();
      if (d === '0') o.depth = 0;
      else if (d === '1') o.depth = 1;
      else if (d === 'infinity') o.depth = 'infinity';
      else p.expected('0, 1 or infinity', 'after DEPTH');
    } else p.fail(`Unknown GETMETADATA option "${opt.slice(0, 40)}"`);
  } while (p.tryChar(' '));
  p.expectChar(')', 'after the GETMETADATA options');
  return o;
}

export function setMetadataCommand(p: Parser, tag: string): Command {
  p.sp('after SETMETADATA');
  const mailbox = p.mailbox();
  p.sp('after the mailbox name');
  p.expectChar('(', 'to open the entry values');
  const values: Array<readonly [string, Buffer | null]> = [];
  do {
    const name = entry(p);
    p.sp('after the entry name');
    values.push([name, value(p)]);
  } while (p.tryChar(' '));
  p.expectChar(')', 'after the entry values');
  return { tag, name: 'SETMETADATA', mailbox, values };
}

/** entry = astring, a slash-separated path (RFC 5464 §3.2): starts with "/", no "//", no trailing
 *  "/", no "*" or "%", only ASCII above 0x19. Invalid names are a BAD (§3.2). */
function entry(p: Parser): string {
  const name = p.astring('as an entry name');
  if (!/^(\/[\x20-\x7e]+)+$/.test(name) || /\/\/|\/$|[*%]/.test(name) || name.split('/').some((c, i) => i > 0 && c === '')) {
    p.fail(`Invalid entry name "${name.slice(0, 60)}"`);
  }
  return name;
}

function value(p: Parser): Buffer | null {
  if (p.tryKeyword('NIL')) return null;
  if (p.atLiteral()) return p.literal();
  return Buffer.from(p.quoted('as the entry value'), 'utf8');
}
