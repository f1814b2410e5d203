// LMTP delivery rate: 10 parallel senders (one LMTP connection each) deliver 4 KB messages, one
// recipient per transaction, to a fresh Postkeep with fsync on (as `postkeep serve` runs). Each 250
// means the message was fsynced and committed. Not part of npm test.
// Run: npm run build && node dist/bench/lmtp-load.js [messages=3000] [senders=10] [recipients=1]
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pino } from 'pino';
import { configFromObject } from '../src/config/index.js';
import { startServer } from '../src/server/index.js';
import { LmtpClient } from '../test/lmtp/lmtp-client.js';

const total = Number(process.argv[2] ?? 3000);
const senders = Number(process.argv[3] ?? 10);
const recipientsPer = Number(process.argv[4] ?? 1);

function message(sender: number, i: number): string {
  const head = `From: sender${sender}@remote.test\r\nTo: user@example.org\r\nSubject: load ${sender}/${i}\r\nMessage-ID: <load-${sender}-${i}@remote.test>\r\n\r\n`;
  const line = 'The quick brown fox jumps over the lazy dog, again and again and again.\r\n';
  return head + line.repeat(Math.ceil((4096 - head.length) / line.length)).slice(0, 4096 - head.length);
}

const dir = await mkdtemp(join(tmpdir(), 'postkeep-lmtp-bench-'));
const server = await startServer(
  configFromObject({
    data_dir: dir,
    imap: { listen: ['127.0.0.1:0'], listen_tls: [] },
    pop3: { listen: [], listen_tls: [] },
    lmtp: { listen: ['127.0.0.1:0'], local_domains: ['example.org'] },
  }),
  { logger: pino({ level: 'warn' }) },
);
try {
  const port = server.lmtp[0]?.port ?? 0;
  for (let u = 0; u < 10; u++) await server.store.createAccount(`user${u}`, 'x');
  const latencies: number[] = [];
  const perSender = Math.ceil(total / senders);
  const started = performance.now();
  await Promise.all(
    Array.from({ length: senders }, async (_, s) => {
      const c = await LmtpClient.open(port, 60_000);
      await c.reply();
      await c.command('LHLO bench.test');
      for (let i = 0; i < perSender; i++) {
        const t0 = performance.now();
        await c.command('MAIL FROM:<bench@remote.test>');
        for (let r = 0; r < recipientsPer; r++) await c.command(`RCPT TO:<user${(s + r) % 10}@example.org>`);
        const { replies } = await c.data(message(s, i), recipientsPer);
        if (replies.some((x) => x.code !== 250)) throw new Error(`delivery failed: ${replies.map((x) => x.line).join(' | ')}`);
        latencies.push(performance.now() - t0);
      }
      await c.close();
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const pct = (p: number): string => (latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] ?? 0).toFixed(1);
  const transactions = perSender * senders;
  console.log(
    `${transactions} LMTP transactions (${transactions * recipientsPer} deliveries of 4 KB), ${senders} senders, fsync on: ` +
      `${seconds.toFixed(2)} s, ${(transactions * recipientsPer / seconds).toFixed(0)} deliveries/s; ` +
      `transaction latency p50 ${pct(0.5)} ms, p99 ${pct(0.99)} ms`,
  );
} finally {
  await server.stop();
  await rm(dir, { recursive: true, force: true });
}
