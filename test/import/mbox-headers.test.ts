import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readMboxHeaders } from '../../src/import/mbox-headers.js';

test('Status/X-Status/X-Keywords give flags and are stripped; the rest stays byte for byte', () => {
  const message =
    'Return-Path: <a@example.com>\nStatus: RO\nSubject: hi\nX-Status: AF\nX-Keywords: $Label1 work\nX-UID: 7\n' +
    'Content-Length: 5\nX-Folded: one\n two\n\nStatus: RO in the body stays\n';
  const result = readMboxHeaders(Buffer.from(message));
  assert.deepEqual([...result.flags].sort(), ['$Label1', '\\Answered', '\\Flagged', '\\Seen', 'work']);
  assert.equal(result.bytes.toString(), 'Return-Path: <a@example.com>\nSubject: hi\nX-Folded: one\n two\n\nStatus: RO in the body stays\n');
  assert.equal(result.folderInternal, false);
});

test('D and T letters, CRLF headers, no headers to strip returns the same buffer', () => {
  const crlf = Buffer.from('Subject: x\r\nX-Status: DT\r\n\r\nbody\r\n');
  const result = readMboxHeaders(crlf);
  assert.deepEqual([...result.flags].sort(), ['\\Deleted', '\\Draft']);
  assert.equal(result.bytes.toString(), 'Subject: x\r\n\r\nbody\r\n');
  const plain = Buffer.from('Subject: x\n\nbody\n');
  assert.equal(readMboxHeaders(plain).bytes, plain);
});

test('Thunderbird X-Mozilla-Status and X-Mozilla-Keys are read and kept', () => {
  const message = Buffer.from('X-Mozilla-Status: 1003\nX-Mozilla-Status2: 00000000\nX-Mozilla-Keys: $label1\nSubject: x\n\nb\n');
  const result = readMboxHeaders(message);
  assert.deepEqual([...result.flags].sort(), ['$Forwarded', '$label1', '\\Answered', '\\Seen']);
  assert.equal(result.bytes, message);
});

test('the UW-IMAP folder-data pseudo message is recognized', () => {
  const pseudo = "Subject: DON'T DELETE THIS MESSAGE -- FOLDER INTERNAL DATA\nX-IMAP: 1234 0000000005\nStatus: RO\n\nThis text is part of the internal format of your mail folder\n";
  assert.equal(readMboxHeaders(Buffer.from(pseudo)).folderInternal, true);
});
