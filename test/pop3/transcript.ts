// POP3 transcripts: `C: line` sends, `S: pattern` reads one line and matches it (`...` any text,
// as in test/helpers/transcript.ts), `S/: regex` matches a regular expression, `@closed` expects the
// server to close, `@session NAME [tls]` opens or switches sessions. ${NAME} takes a value from `vars`.
import assert from 'node:assert/strict';
import { globToRegExp } from '../helpers/transcript.js';
import { Pop3Client } from './client.js';

export interface TranscriptEnv {
  readonly port: number;
  readonly tlsPort: number;
  readonly vars?: Record<string, string>;
}

function substitute(text: string, vars: Record<string, string>): string {
  return text.replace(/\$\{([A-Za-z0-9_]+)\}/g, (m, name: string) => vars[name] ?? m);
}

/** Runs the script; every session it opened is closed at the end. */
export async function pop3Transcript(env: TranscriptEnv, script: string): Promise<void> {
  const sessions = new Map<string, Pop3Client>();
  const vars = env.vars ?? {};
  let current: Pop3Client | undefined;
  const at = (n: number, line: string): string => `transcript line ${n}: ${line}`;
  try {
    for (const [i, raw] of script.split('\n').entries()) {
      const line = raw.trim();
      if (line === '' || line.startsWith('#')) continue;
      const n = i + 1;
      const session = /^@session (\w+)( tls)?$/.exec(line);
      if (session) {
        const name = session[1] as string;
        current = sessions.get(name);
        if (!current) {
          current = await Pop3Client.connect({ port: session[2] ? env.tlsPort : env.port, tls: !!session[2] });
          sessions.set(name, current);
          assert.match(current.greeting, /^\+OK /, at(n, line));
        }
        continue;
      }
      if (!current) throw new Error(at(n, 'no @session yet'));
      if (line === '@closed') {
        await current.closed;
        continue;
      }
      if (line === '@starttls') {
        await current.startTls();
        continue;
      }
      const m = /^(C|S|S\/): ?(.*)$/.exec(line);
      if (!m) throw new Error(at(n, `cannot parse ${JSON.stringify(line)}`));
      const body = substitute(m[2] ?? '', vars);
      if (m[1] === 'C') {
        current.send(body);
        continue;
      }
      const got = await current.line();
      const re = m[1] === 'S' ? globToRegExp(body) : new RegExp(`^(?:${body})$`);
      assert.match(got, re, `${at(n, line)}\nlog:\n${current.log.join('\n')}`);
    }
  } finally {
    for (const c of sessions.values()) c.close();
  }
}
