import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatFromLine, parseFromLine } from '../../src/import/from-line.js';

test('From_ lines: asctime dates in local time, optional seconds and zones', () => {
  const local = new Date(2024, 0, 4, 10, 20, 0).getTime();
  assert.deepEqual(parseFromLine('From alice@example.com Thu Jan  4 10:20:00 2024\n'), { sender: 'alice@example.com', date: local });
  assert.deepEqual(parseFromLine('From - Thu Jan 4 10:20:00 2024'), { sender: '-', date: local });
  assert.deepEqual(parseFromLine('From MAILER-DAEMON Thu Jan  4 10:20 2024\r\n'), { sender: 'MAILER-DAEMON', date: local });
  assert.equal(parseFromLine('From bob Thu Jan  4 10:20:00 +0100 2024')?.date, Date.UTC(2024, 0, 4, 9, 20, 0));
  assert.equal(parseFromLine('From bob Thu Jan  4 10:20:00 2024 -0500')?.date, Date.UTC(2024, 0, 4, 15, 20, 0));
  assert.equal(parseFromLine('From bob Thu Jan  4 10:20:00 CET 2024')?.date, local);
});

test('From_ lines: body text that starts with "From " is no separator', () => {
  assert.equal(parseFromLine('From here on we talk about dates\n'), null);
  assert.equal(parseFromLine('From: alice@example.com\n'), null);
  assert.equal(parseFromLine('from alice Thu Jan  4 10:20:00 2024'), null);
  assert.equal(parseFromLine('From alice Thu Jan 44 10:20:00 2024'), null);
});

test('formatFromLine writes asctime in local time and reads back', () => {
  const date = new Date(2024, 0, 4, 9, 5, 7).getTime();
  const line = formatFromLine('MAILER-DAEMON', date);
  assert.equal(line, 'From MAILER-DAEMON Thu Jan  4 09:05:07 2024\n');
  assert.equal(parseFromLine(line)?.date, date);
});
