// Runs transcript files (test/fixtures/transcripts/*.imap) against a live server.
//
// Format, one directive per line:
//   # comment                      (blank lines are ignored too)
//   @session NAME [tls]            open (first time) and/or switch to session NAME; its greeting is the
//                                  batch that the following S lines match
//   @seed MAILBOX FILE [FLAG ...]  append FILE (in this folder) to MAILBOX through the store; the
//                                  internal date is the message's Date header
//   @closed                        the server must close the current session's connection
//   @wait [N | PATTERN]            read N (default 1) more responses from the current session, or
//                                  read until a line matches PATTERN
//   C: LINE                        send LINE + CRLF and read: until every command in flight is answered
//                                  (tagged), or until a `+` continuation request, or until the server
//                                  closes the connection. While the previous read stopped at `+`, the
//                                  line is a continuation answer (AUTHENTICATE data, IDLE's DONE).
//   C> LINE                        send without reading (pipelining; the next C: reads for all of them)
//   S: PATTERN                     next received line matches PATTERN; `...` matches any text
//   S~: PATTERN                    consecutive S~ lines match the next lines in any order
//   S/: REGEX                      next received line matches the (anchored) regular expression
//   S~*:                           the current S~ group may be interleaved with any other lines
//   S*:                            any number (zero or more) of lines
// Patterns: `...` any text, `"?` an optional double quote, `[[A B C]]` the words in any order.
// Every received line of a batch must be matched by the S lines that follow its C line.
// In C and S lines: $USER $PASS $PLAIN (base64 of \0user\0pass) $USER64 $PASS64, ${size:FILE} (${size:A+B} sums),
// ${repeat:N:TEXT}, ${uidvalidity:MAILBOX} (for QRESYNC). In C lines, literals: {{file:NAME}} {{text:TEXT}} (synchronizing; the `+` is
// awaited) and {{file+:NAME}} {{text+:TEXT}} (LITERAL+); a leading ~ ({{~file:NAME}}) sends a literal8 ~{n}
// (RFC 3516, RFC 6855 §4); in TEXT, \r\n stands for CRLF.
import { readFile } from 'node:fs/promises';
import { ImapClient, type Part, type Response } from './imap-client.js';
import { fixturePath } from './fixtures.js';
import type { TestServer } from './server.js';

type Item =
  | { kind: 'line'; re: RegExp; src: string; line: number }
  | { kind: 'any'; line: number }
  | { kind: 'group'; res: Array<{ re: RegExp; src: string }>; line: number; loose: boolean };

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function permutations(words: readonly string[]): string[][] {
  if (words.length <= 1) return [words.slice()];
  const out: string[][] = [];
  words.forEach((w, i) => {
    for (const rest of permutations([...words.slice(0, i), ...words.slice(i + 1)])) out.push([w, ...rest]);
  });
  return out;
}

/** `...` any text; `"?` an optional double quote; `[[A B C]]` the words A B C in any order. */
export function globToRegExp(pattern: string): RegExp {
  let re = '';
  const token = /\.\.\.|"\?|\[\[([^\]]*)\]\]/g;
  let last = 0;
  for (const m of pattern.matchAll(token)) {
    re += escapeRe(pattern.slice(last, m.index));
    if (m[0] === '...') re += '[\\s\\S]*';
    else if (m[0] === '"?') re += '"?';
    else {
      const words = (m[1] ?? '').split(' ').filter((w) => w !== '');
      re += `(?:${permutations(words).map((p) => p.map(escapeRe).join(' ')).join('|')})`;
    }
    last = (m.index ?? 0) + m[0].length;
  }
  re += escapeRe(pattern.slice(last));
  return new RegExp(`^${re}$`);
}

export function matchBatch(items: readonly Item[], lines: readonly string[]): boolean {
  const go = (i: number, j: number): boolean => {
    const item = items[i];
    if (!item) return j === lines.length;
    if (item.kind === 'line') {
      const l = lines[j];
      return l !== undefined && item.re.test(l) && go(i + 1, j + 1);
    }
    if (item.kind === 'any') {
      for (let k = j; k <= lines.length; k++) if (go(i + 1, k)) return true;
      return false;
    }
    const k = item.res.length;
    const maxLen = item.loose ? lines.length - j : k;
    for (let len = k; len <= maxLen; len++) {
      if (j + len > lines.length) return false;
      const slice = lines.slice(j, j + len);
      const used = new Array<boolean>(len).fill(false);
      const assign = (p: number): boolean => {
        const pat = item.res[p];
        if (!pat) return true;
        for (let q = 0; q < len; q++) {
          if (!used[q] && pat.re.test(slice[q] ?? '')) {
            used[q] = true;
            if (assign(p + 1)) return true;
            used[q] = false;
          }
        }
        return false;
      };
      if (assign(0) && go(i + 1, j + len)) return true;
    }
    return false;
  };
  return go(0, 0);
}

interface Session {
  client: ImapClient;
  inFlight: Set<string>;
  awaitingContinuation: boolean;
}

export interface TranscriptContext {
  readonly server: TestServer;
  readonly user: string;
  readonly password: string;
}

function b64(s: string): string {
  return Buffer.from(s, 'utf8').toString('base64');
}

async function substitute(text: string, ctx: TranscriptContext): Promise<string> {
  let out = text
    .replace(/\$PLAIN/g, b64(`\0${ctx.user}\0${ctx.password}`))
    .replace(/\$USER64/g, b64(ctx.user))
    .replace(/\$PASS64/g, b64(ctx.password))
    .replace(/\$USER/g, ctx.user)
    .replace(/\$PASS/g, ctx.password)
    .replace(/\$\{repeat:(\d+):([^}]*)\}/g, (_m, n: string, t: string) => t.repeat(Number(n)));
  const sizes = [...out.matchAll(/\$\{size:([^}]+)\}/g)];
  for (const m of sizes) {
    let total = 0;
    for (const name of (m[1] ?? '').split('+')) total += (await readFile(fixturePath('transcripts', name))).length;
    out = out.replace(m[0], String(total));
  }
  for (const m of [...out.matchAll(/\$\{uidvalidity:([^}]+)\}/g)]) {
    const account = await ctx.server.store.findAccount(ctx.user);
    const mailbox = account && (await ctx.server.store.getMailbox(account.id, m[1] ?? ''));
    if (!mailbox) throw new Error(`\${uidvalidity:${m[1] ?? ''}}: no such mailbox`);
    out = out.replace(m[0], String(mailbox.uidValidity));
  }
  return out;
}

async function toParts(line: string): Promise<Part[]> {
  const parts: Part[] = [];
  const re = /\{\{(~?)(file|text)(\+?):([^}]*)\}\}/g;
  let last = 0;
  for (const m of line.matchAll(re)) {
    parts.push(line.slice(last, m.index));
    const literal =
      m[2] === 'file' ? await readFile(fixturePath('transcripts', m[4] ?? '')) : Buffer.from((m[4] ?? '').replace(/\\r\\n/g, '\r\n'), 'utf8');
    parts.push({ literal, nonSync: m[3] === '+', binary: m[1] === '~' });
    last = (m.index ?? 0) + m[0].length;
  }
  parts.push(line.slice(last));
  return parts;
}

function dateHeader(bytes: Buffer): number | undefined {
  const head = bytes.toString('latin1').split(/\r?\n\r?\n/)[0] ?? '';
  const m = /^Date:\s*(.+)$/im.exec(head);
  if (!m?.[1]) return undefined;
  const t = Date.parse(m[1]);
  return Number.isNaN(t) ? undefined : t;
}

/** Runs one transcript; throws an Error naming the file line and showing the exchange on mismatch. */
export async function runTranscript(file: string, text: string, ctx: TranscriptContext): Promise<void> {
  const sessions = new Map<string, Session>();
  let current: Session | null = null;
  let currentName = '';
  const lines = text.split(/\r?\n/);
  let batch: Response[] = [];
  let batchFrom = 0;
  let items: Item[] = [];
  let group: Item & { kind: 'group' } = { kind: 'group', res: [], line: 0, loose: false };

  const fail = (lineNo: number, msg: string): never => {
    const log = current ? current.client.transcript(80) : '';
    throw new Error(`${file}:${lineNo}: ${msg}\n--- exchange (session ${currentName}) ---\n${log}`);
  };
  const flushGroup = (): void => {
    if (group.res.length > 0) items.push(group);
    group = { kind: 'group', res: [], line: 0, loose: false };
  };
  const check = (lineNo: number): void => {
    flushGroup();
    const received = batch.map((r) => r.text);
    if (!matchBatch(items, received)) {
      const expected = items
        .map((it) =>
          it.kind === 'line' ? `S: ${it.src}` : it.kind === 'any' ? 'S*:' : [...it.res.map((r) => `S~: ${r.src}`), ...(it.loose ? ['S~*:'] : [])].join('\n'),
        )
        .join('\n');
      fail(batchFrom, `server lines do not match (checked at line ${lineNo})\n--- expected ---\n${expected}\n--- received ---\n${received.join('\n')}`);
    }
    batch = [];
    items = [];
  };

  const read = async (s: Session, lineNo: number): Promise<void> => {
    s.awaitingContinuation = false;
    while (s.inFlight.size > 0) {
      let r: Response;
      try {
        r = await s.client.next();
      } catch (e) {
        if (s.client.isClosed) return;
        fail(lineNo, (e as Error).message.split('\n')[0] ?? 'read failed');
        return;
      }
      batch.push(r);
      if (r.tag === '+') {
        s.awaitingContinuation = true;
        return;
      }
      if (s.inFlight.has(r.tag)) s.inFlight.delete(r.tag);
    }
  };

  try {
    for (let idx = 0; idx < lines.length; idx++) {
      const lineNo = idx + 1;
      const raw = lines[idx] ?? '';
      if (raw.trim() === '' || raw.startsWith('#')) continue;
      const m = /^(C:|C>|S:|S~:|S~\*:|S\/:|S\*:|@\w+)\s?(.*)$/.exec(raw);
      if (!m) fail(lineNo, `cannot parse transcript line: ${raw}`);
      const op = m?.[1] ?? '';
      const arg = m?.[2] ?? '';
      if (op.startsWith('S')) {
        const pat = await substitute(arg, ctx);
        if (op === 'S~*:') {
          group.loose = true;
          continue;
        }
        if (op === 'S~:') {
          if (group.res.length === 0) group.line = lineNo;
          group.res.push({ re: globToRegExp(pat), src: pat });
          continue;
        }
        flushGroup();
        if (op === 'S:') items.push({ kind: 'line', re: globToRegExp(pat), src: pat, line: lineNo });
        else if (op === 'S/:') items.push({ kind: 'line', re: new RegExp(`^(?:${pat})$`), src: `/${pat}/`, line: lineNo });
        else items.push({ kind: 'any', line: lineNo });
        continue;
      }
      // anything else ends the previous batch
      check(lineNo);
      if (op === '@session') {
        const [name, mode] = arg.split(/\s+/);
        if (!name) fail(lineNo, '@session needs a name');
        currentName = name ?? '';
        let s = sessions.get(currentName);
        if (!s) {
          const client = await ImapClient.connect({ port: mode === 'tls' ? ctx.server.tlsPort : ctx.server.port, tls: mode === 'tls', name: currentName });
          s = { client, inFlight: new Set(), awaitingContinuation: false };
          sessions.set(currentName, s);
          batch = [{ text: client.greeting, raw: Buffer.from(client.greeting), literals: [], tag: '*' }];
          batchFrom = lineNo;
          current = s;
          // A greeting without S lines is not checked.
          const next = lines.slice(idx + 1).find((l) => l.trim() !== '' && !l.startsWith('#')) ?? '';
          if (!next.startsWith('S')) batch = [];
        }
        current = s;
      } else if (op === '@seed') {
        const [mailbox, name, ...flags] = arg.split(/\s+/);
        const bytes = await readFile(fixturePath('transcripts', name ?? ''));
        await ctx.server.seed(ctx.user, mailbox ?? '', bytes, flags, dateHeader(bytes));
      } else if (op === '@wait') {
        // read N more responses (default 1) from the current session, e.g. updates during IDLE
        if (!current) fail(lineNo, 'no session');
        const a = arg.trim();
        const untilRe = a !== '' && !/^\d+$/.test(a) ? globToRegExp(await substitute(a, ctx)) : null;
        const n = a === '' ? 1 : untilRe ? Infinity : Number(a);
        batchFrom = lineNo;
        for (let k = 0; k < n; k++) {
          try {
            const r = await (current as Session).client.next();
            batch.push(r);
            if (untilRe?.test(r.text)) break;
          } catch (e) {
            fail(lineNo, (e as Error).message.split('\n')[0] ?? 'read failed');
          }
        }
      } else if (op === '@closed') {
        if (!current) fail(lineNo, 'no session');
        const c = current as Session;
        const timeout = new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 5000).unref());
        if ((await Promise.race([c.client.closed.then(() => 'closed' as const), timeout])) === 'timeout') {
          fail(lineNo, 'the server did not close the connection');
        }
        batch = c.client.drain();
        batchFrom = lineNo;
        if (batch.length > 0) fail(lineNo, `unexpected lines before close: ${batch.map((r) => r.text).join(' | ')}`);
      } else if (op === 'C:' || op === 'C>') {
        if (!current) fail(lineNo, 'C line before any @session');
        const s = current as Session;
        const line = await substitute(arg, ctx);
        batchFrom = lineNo;
        if (!s.awaitingContinuation) {
          const tag = line.split(' ')[0] ?? '';
          s.inFlight.add(tag);
          const parts = await toParts(line);
          const sent = await s.client.sendParts(tag, parts);
          batch.push(...sent.early);
        } else {
          s.client.sendLine(line);
          s.awaitingContinuation = false;
        }
        if (op === 'C:') await read(s, lineNo);
      } else {
        fail(lineNo, `unknown directive ${op}`);
      }
    }
    check(lines.length);
  } finally {
    for (const s of sessions.values()) await s.client.close();
  }
}
