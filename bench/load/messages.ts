// The generated mail both servers are seeded with: deterministic, CRLF line ends, no line starting
// with "." (so LMTP needs no dot-stuffing). Message i of the big mailbox has INTERNALDATE and Date
// 5 minutes after message i-1, From one of 97 senders, \Seen when i % 3 == 0, and the rare word in
// its body when i % 100 == 0 (1% of messages, for SEARCH BODY).
export const BASE_TIME = Date.UTC(2024, 0, 1);
export const STEP_MS = 5 * 60 * 1000;
export const RARE_WORD = 'zanzibarquux';
const WORDS = ['alpha', 'bravo', 'charlie', 'delta', 'echo', 'foxtrot', 'golf', 'hotel', 'india', 'juliet', 'kilo', 'lima', 'mike', 'november', 'oscar', 'papa'];

export function internalDate(i: number): number {
  return BASE_TIME + i * STEP_MS;
}

export function flagsOf(i: number): string[] {
  return i % 3 === 0 ? ['\\Seen'] : [];
}

function rfc5322Date(ms: number): string {
  return new Date(ms).toUTCString().replace('GMT', '+0000');
}

function bodyLine(i: number, n: number): string {
  let line = `${n + 1}`;
  for (let k = 0; k < 10; k++) line += ` ${WORDS[(i * 31 + n * 7 + k) % WORDS.length] ?? 'x'}`;
  return `${line}\r\n`;
}

function headers(i: number, to: string, subject: string, date: number): string {
  return (
    `From: Sender ${i % 97} <user${i % 97}@example.com>\r\n` +
    `To: ${to}\r\nSubject: ${subject}\r\nDate: ${rfc5322Date(date)}\r\n` +
    `Message-ID: <bench-${i}-${subject.length}@example.com>\r\nMIME-Version: 1.0\r\n` +
    `Content-Type: text/plain; charset=us-ascii\r\n\r\n`
  );
}

/** Message i (1-based) of a seeded mailbox: 1.5-6 KB, every 1000th about 100 KB. */
export function seededMessage(i: number, to = 'bench@example.org'): Buffer {
  const lines = i % 1000 === 0 ? 1500 : 20 + ((i * 7919) % 70);
  let body = i % 100 === 0 ? `This one mentions ${RARE_WORD} once.\r\n` : '';
  for (let n = 0; n < lines; n++) body += bodyLine(i, n);
  return Buffer.from(headers(i, to, `Benchmark message ${i}`, internalDate(i)) + body, 'latin1');
}

/** A message of about `bytes` bytes for APPEND and LMTP runs (never below the headers). */
export function sizedMessage(i: number, bytes: number, to = 'bench@example.org'): Buffer {
  const head = headers(i, to, `Sized message ${i} of ${bytes} bytes`, BASE_TIME + i * 1000);
  let body = '';
  let n = 0;
  while (head.length + body.length < bytes - 80) body += bodyLine(i, n++);
  return Buffer.from(head + body, 'latin1');
}
