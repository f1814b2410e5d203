// Reading passwords: typed twice without echo on a terminal, or one line from stdin for scripts
// (--password-stdin), never from the command line where `ps` and shell history would show it.
import { createInterface } from 'node:readline';
import { CliError } from './errors.js';

/** One prompt on a TTY with echo off (raw mode: we handle Enter, Backspace, Ctrl-C, Ctrl-D). */
function promptHidden(prompt: string): Promise<string> {
  const stdin = process.stdin;
  // Echo off before the prompt appears, so nothing typed after seeing it is echoed.
  stdin.setRawMode(true);
  process.stderr.write(prompt);
  stdin.setEncoding('utf8');
  stdin.resume();
  return new Promise((resolve, reject) => {
    let value = '';
    const finish = (result: string | null): void => {
      stdin.off('data', onData);
      stdin.setRawMode(false);
      stdin.pause();
      process.stderr.write('\n');
      if (result === null) reject(new CliError('cancelled'));
      else resolve(result);
    };
    const onData = (chunk: string): void => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n') return finish(value);
        if (ch === '\u0003' || (ch === '\u0004' && value === '')) return finish(null);
        if (ch === '\u007f' || ch === '\b') value = Array.from(value).slice(0, -1).join('');
        else if (ch >= ' ') value += ch;
      }
    };
    stdin.on('data', onData);
  });
}

/** The first line of stdin, without its line ending. */
export async function readLineFromStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) {
    chunks.push(chunk as Buffer);
    if ((chunk as Buffer).includes(0x0a)) break;
  }
  const text = Buffer.concat(chunks).toString('utf8');
  const end = text.indexOf('\n');
  return (end === -1 ? text : text.slice(0, end)).replace(/\r$/, '');
}

function checkPassword(password: string): string {
  if (password === '') throw new CliError('the password must not be empty');
  return password;
}

/** A new password, by the rules above. */
export async function readNewPassword(fromStdin: boolean, login: string): Promise<string> {
  if (fromStdin) return checkPassword(await readLineFromStdin());
  if (!process.stdin.isTTY) {
    throw new CliError('stdin is not a terminal: pass --password-stdin to read the password from it');
  }
  const first = checkPassword(await promptHidden(`Password for ${login}: `));
  const second = await promptHidden('Repeat the password: ');
  if (first !== second) throw new CliError('the passwords do not match');
  return first;
}

/** A yes/no question on a TTY; anything but y/yes is no. */
export async function confirm(question: string): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = await new Promise<string>((resolve) => rl.question(`${question} [y/N] `, resolve));
    return /^y(es)?$/i.test(answer.trim());
  } finally {
    rl.close();
  }
}
