// A first measurement of the hot read paths on a big mailbox: seeds N messages (default 10,000),
// then times SELECT, UID FETCH 1:* (UID FLAGS), FETCH 1:* (ENVELOPE) and a header SEARCH over one
// real IMAP connection. Not part of npm test. Run: npm run build && node dist/bench/fetch-flags.js [N]
// The side-by-side runs against Dovecot are issue #5; this script only gives Postkeep's own figures.
import { mkdtemp, rm } from 'node:fs/promises';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { hashPassword } from '../src/auth/password.js';
import { configFromObject } from '../src/config/index.js';
import { analyzeMessage } from '../src/mime/analyze.js';
import { startServer } from '../src/server/index.js';
import { openSqliteStore } from '../src/store/sqlite/index.js';

const count = Number(process.argv[2] ?? 10_000);

function message(i: number): Buffer {
  const body = `Message number ${i}.\r\n`.repeat(40);
  return Buffer.from(
    `From: Sender ${i % 97} <user${i % 97}@example.com>\r\nTo: alice@example.org\r\n` +
      `Subject: Benchmark message ${i}\r\nDate: Mon, 1 Jan 2024 10:00:00 +0000\r\n` +
      `Message-ID: <bench-${i}@example.com>\r\n\r\n${body}`,
  );
}

/** Sends one command and resolves with the bytes received up to and including its tagged reply. */
function command(socket: Socket, tag: string, text: string): Promise<{ ms: number; bytes: number }> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    let received = 0;
    let tail = '';
    const onData = (chunk: Buffer): void => {
      received += chunk.length;
      tail = (tail + chunk.toString('latin1')).slice(-4096);
      const m = new RegExp(`(^|\\r\\n)${tag} (OK|NO|BAD)[^\\r\\n]*\\r\\n$`).exec(tail);
      if (!m) return;
      socket.off('data', onData);
      if (m[2] !== 'OK') reject(new Error(`${text} -> ${m[0].trim()}`));
      else resolve({ ms: performance.now() - started, bytes: received });
    };
    socket.on('data', onData);
    socket.write(`${tag} ${text}\r\n`);
  });
}

async function main(): Promise<void> {
  const dataDir = await mkdtemp(join(tmpdir(), 'postkeep-bench-'));
  try {
    // Seed without fsync (seeding is not what is measured), then serve the same data dir.
    const seedStore = await openSqliteStore({ dataDir, analyze: analyzeMessage, fsync: false });
    const account = await seedStore.createAccount('alice', await hashPassword('secret'));
    const inbox = await seedStore.getMailbox(account.id, 'INBOX');
    if (!inbox) throw new Error('no INBOX');
    const seedStart = performance.now();
    for (let i = 1; i <= count; i++) {
      await seedStore.appendMessage(inbox.id, { bytes: message(i), flags: i % 3 === 0 ? ['\\Seen'] : [] });
    }
    const seedMs = performance.now() - seedStart;
    await seedStore.close();

    const server = await startServer(
      configFromObject({ data_dir: dataDir, imap: { listen: ['127.0.0.1:0'], listen_tls: [] }, log: { level: 'error' } }),
    );
    const port = server.imap.plain[0]?.port;
    const socket = connect({ host: '127.0.0.1', port: port ?? 0 });
    await new Promise<void>((resolve) => socket.once('data', () => resolve()));
    await command(socket, 'a', 'LOGIN alice secret');
    const rows: Array<[string, { ms: number; bytes: number }]> = [];
    rows.push(['SELECT INBOX', await command(socket, 'b', 'SELECT INBOX')]);
    rows.push(['UID FETCH 1:* (UID FLAGS)', await command(socket, 'c', 'UID FETCH 1:* (UID FLAGS)')]);
    rows.push(['UID FETCH 1:* (UID FLAGS), again', await command(socket, 'd', 'UID FETCH 1:* (UID FLAGS)')]);
    rows.push(['FETCH 1:* (ENVELOPE)', await command(socket, 'e', 'FETCH 1:* (ENVELOPE)')]);
    rows.push(['UID SEARCH FROM "user7@"', await command(socket, 'f', 'UID SEARCH FROM "user7@"')]);
    rows.push(['UID SEARCH BODY "number 4242."', await command(socket, 'g', 'UID SEARCH BODY "number 4242."')]);
    rows.push(['FETCH 4242 (BODY.PEEK[])', await command(socket, 'h', 'FETCH 4242 (BODY.PEEK[])')]);
    await command(socket, 'z', 'LOGOUT');
    socket.destroy();
    await server.stop();

    console.log(`${count} messages seeded in ${(seedMs / 1000).toFixed(1)} s (no fsync)`);
    for (const [name, r] of rows) {
      console.log(`${name.padEnd(36)} ${r.ms.toFixed(1).padStart(9)} ms  ${(r.bytes / 1024).toFixed(0).padStart(7)} KiB`);
    }
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
}

await main();
