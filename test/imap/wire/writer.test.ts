import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Readable, Writable } from 'node:stream';
import { serialize, ResponseWriter } from '../../../src/imap/wire/writer.js';
import { Atom, Literal, StreamLiteral, type ImapData } from '../../../src/imap/wire/data.js';

function text(data: ImapData, utf8 = false): string {
  return Buffer.concat(serialize(data, { utf8 }).map((x) => (Buffer.isBuffer(x) ? x : Buffer.from(`<stream ${x.size}>`)))).toString('utf8');
}

test('atoms, numbers, NIL, quoted and escaped strings, nested lists', () => {
  assert.equal(text(null), 'NIL');
  assert.equal(text(42), '42');
  assert.equal(text(new Atom('\\Seen')), '\\Seen');
  assert.equal(text('hello world'), '"hello world"');
  assert.equal(text('say "hi" \\ bye'), '"say \\"hi\\" \\\\ bye"');
  assert.equal(text(''), '""');
  assert.equal(text([new Atom('FLAGS'), [new Atom('\\Seen'), new Atom('$Junk')], null, ['a', [1, []]]]), '(FLAGS (\\Seen $Junk) NIL ("a" (1 ())))');
  assert.throws(() => text(-1), RangeError);
});

test('literal when CR/LF/NUL, 8-bit without UTF-8, or long', () => {
  assert.equal(text('a\r\nb'), '{4}\r\na\r\nb');
  assert.equal(text('a\0b'), '{3}\r\na\0b');
  assert.equal(text('Grüße'), '{7}\r\nGrüße');
  assert.equal(text('Grüße', true), '"Grüße"');
  assert.equal(text('x'.repeat(1024)), `"${'x'.repeat(1024)}"`);
  assert.equal(text('x'.repeat(1025)), `{1025}\r\n${'x'.repeat(1025)}`);
  assert.equal(text(new Literal(Buffer.from('abc'))), '{3}\r\nabc');
  assert.equal(text(new Literal(Buffer.from('a\0c'), true)), '~{3}\r\na\0c');
});

test('StreamLiteral stays a separate item after its header', () => {
  const s = new StreamLiteral(5, () => Readable.from([Buffer.from('hello')]));
  const items = serialize([new Atom('BODY[]'), s], { utf8: false });
  assert.equal(items.length, 3);
  assert.equal((items[0] as Buffer).toString(), '(BODY[] {5}\r\n');
  assert.equal(items[1], s);
  assert.equal((items[2] as Buffer).toString(), ')');
});

/** A Writable that takes `delayMs` per chunk with a tiny high-water mark, recording max queued bytes. */
function slowSink(delayMs = 1) {
  const chunks: Buffer[] = [];
  let maxQueued = 0;
  const sink = new Writable({
    highWaterMark: 16,
    write(chunk: Buffer, _enc, cb) {
      chunks.push(chunk);
      setTimeout(cb, delayMs);
    },
  });
  const origWrite = sink.write.bind(sink);
  sink.write = ((chunk: Buffer) => {
    const ok = origWrite(chunk);
    maxQueued = Math.max(maxQueued, sink.writableLength);
    return ok;
  }) as typeof sink.write;
  return { sink, output: () => Buffer.concat(chunks).toString('latin1'), maxQueued: () => maxQueued };
}

test('responses in call order, sanitized text, codes, continuation, bye', async () => {
  const { sink, output } = slowSink(0);
  const w = new ResponseWriter(sink, { utf8: false, maxBuffered: 0 });
  const done = [
    w.untagged([3, new Atom('EXISTS')]),
    w.untagged([new Atom('LIST'), [new Atom('\\HasNoChildren')], '/', 'Entwürfe']),
    w.tagged('A1', 'OK', 'READ-WRITE', 'SELECT done'),
    w.tagged('A2', 'NO', 'TOOBIG', 'bad\r\nthing é'),
    w.tagged('A3', 'BAD', null, ''),
    w.continuation('Ready'),
    w.raw('raw\r\n'),
    w.bye(null, 'Logging out'),
  ];
  await Promise.all(done);
  assert.equal(
    output(),
    Buffer.from(
      '* 3 EXISTS\r\n* LIST (\\HasNoChildren) "/" {9}\r\nEntwürfe\r\nA1 OK [READ-WRITE] SELECT done\r\nA2 NO [TOOBIG] bad thing ?\r\nA3 BAD Error\r\n+ Ready\r\nraw\r\n* BYE Logging out\r\n',
      'utf8',
    ).toString('latin1'),
  );
  w.setUtf8(true);
  await w.untagged([new Atom('LIST'), null, 'Entwürfe']);
  assert.ok(output().endsWith(Buffer.from('* LIST NIL "Entwürfe"\r\n').toString('latin1')));
});

test('back-pressure: a slow reader never has much queued, stream literals included', async () => {
  const { sink, output, maxQueued } = slowSink(0);
  const w = new ResponseWriter(sink, { utf8: false, maxBuffered: 0 });
  const body = Buffer.alloc(2000, 'b');
  const parts = Array.from({ length: 20 }, (_, i) => body.subarray(i * 100, (i + 1) * 100));
  const stream = new StreamLiteral(2000, () => Readable.from(parts));
  const writes: Promise<void>[] = [];
  for (let i = 1; i <= 20; i++) writes.push(w.untagged([i, new Atom('FETCH'), [new Atom('BODY[]'), i === 10 ? stream : new Literal(body.subarray(0, 300))]]));
  await Promise.all(writes);
  // Each write goes out only after the previous drained: at most one response (or chunk) queued.
  assert.ok(maxQueued() <= 400, `queued ${maxQueued()}`);
  assert.equal(output().split('\r\n').length, 41);
  assert.ok(output().includes(`* 10 FETCH (BODY[] {2000}\r\n${'b'.repeat(2000)})\r\n`));
});

test('a short StreamLiteral is padded to keep framing and reported', async () => {
  const { sink, output } = slowSink(0);
  const w = new ResponseWriter(sink, { utf8: false, maxBuffered: 1 << 20 });
  await assert.rejects(w.untagged([new StreamLiteral(5, () => Readable.from([Buffer.from('ab')]))]), /2 of 5/);
  await w.tagged('A1', 'OK', null, 'done');
  await new Promise<void>((resolve) => sink.end(resolve));
  assert.equal(output(), '* {5}\r\nab   \r\nA1 OK done\r\n');
});

test('writes to a closed output fail instead of hanging', async () => {
  const { sink } = slowSink(5);
  const w = new ResponseWriter(sink, { utf8: false, maxBuffered: 0 });
  const p = w.untagged(['x'.repeat(100)]);
  sink.destroy();
  await assert.rejects(p, /closed/);
  await assert.rejects(w.tagged('A1', 'OK', null, 'x'), /closed/);
});

test('a failing StreamLiteral source is padded too', async () => {
  const { sink, output } = slowSink(0);
  const w = new ResponseWriter(sink, { utf8: false, maxBuffered: 1 << 20 });
  const failing = () =>
    new Readable({
      read() {
        this.destroy(new Error('disk gone'));
      },
    });
  await assert.rejects(w.untagged([new StreamLiteral(3, failing)]), /0 of 3 announced bytes: disk gone/);
  await new Promise<void>((resolve) => sink.end(resolve));
  assert.equal(output(), '* {3}\r\n   \r\n');
});

test('answers to pipelined commands leave in one write; a tagged line without more input, continuation and BYE at once', async () => {
  const writes: string[] = [];
  const sink = new Writable({
    writev(chunks, cb) {
      writes.push(Buffer.concat(chunks.map((c) => c.chunk as Buffer)).toString('latin1'));
      cb();
    },
    write(chunk: Buffer, _enc, cb) {
      writes.push(chunk.toString('latin1'));
      cb();
    },
  });
  const w = new ResponseWriter(sink, { utf8: false, maxBuffered: 1 << 20 });
  const answered = [1, 2, 3].flatMap((i) => [
    w.untagged([i, new Atom('FETCH'), [new Atom('BODY[]'), new Literal(Buffer.from(`m${i}`))]]),
    w.tagged(`A${i}`, 'OK', null, 'FETCH completed', true),
  ]);
  await Promise.all(answered); // held in the output's batch, not yet written
  assert.deepEqual(writes, []);
  await new Promise((resolve) => setImmediate(resolve));
  assert.deepEqual(writes, ['* 1 FETCH (BODY[] {2}\r\nm1)\r\nA1 OK FETCH completed\r\n* 2 FETCH (BODY[] {2}\r\nm2)\r\nA2 OK FETCH completed\r\n* 3 FETCH (BODY[] {2}\r\nm3)\r\nA3 OK FETCH completed\r\n']);
  await w.untagged([new Atom('OK'), new Atom('still here')]);
  await w.tagged('A4', 'OK', null, 'done'); // nothing pipelined behind it: the client waits
  assert.equal(writes.at(-1), '* OK still here\r\nA4 OK done\r\n');
  await w.tagged('A5', 'OK', null, 'STARTTLS completed', true);
  w.flush(); // STARTTLS and COMPRESS send the tagged OK before they wrap the output
  assert.equal(writes.at(-1), 'A5 OK STARTTLS completed\r\n');
  await w.continuation('Ready');
  assert.equal(writes.at(-1), '+ Ready\r\n');
  await w.bye(null, 'Logging out');
  assert.equal(writes.at(-1), '* BYE Logging out\r\n');
});
