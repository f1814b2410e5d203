// SEARCH CHARSET (RFC 9051 §6.4.4) and case folding.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SUPPORTED_SEARCH_CHARSETS, charsetSupported, decodeSearchString, foldCase, UnsupportedCharsetError } from '../../src/search/index.js';

test('US-ASCII and UTF-8 are supported, case-insensitively; others are not', () => {
  assert.deepEqual(SUPPORTED_SEARCH_CHARSETS, ['US-ASCII', 'UTF-8']);
  assert.equal(charsetSupported(null), true);
  assert.equal(charsetSupported('utf-8'), true);
  assert.equal(charsetSupported('US-ASCII'), true);
  assert.equal(charsetSupported('ISO-8859-1'), false);
  assert.equal(charsetSupported('KOI8-R'), false);
});

test('decodeSearchString decodes UTF-8 and refuses unknown charsets', () => {
  assert.equal(decodeSearchString(Buffer.from('Grüße', 'utf8'), 'UTF-8'), 'Grüße');
  assert.equal(decodeSearchString(Buffer.from('plain'), 'us-ascii'), 'plain');
  assert.equal(decodeSearchString(Buffer.from('Köln', 'utf8'), null), 'Köln');
  assert.throws(() => decodeSearchString(Buffer.from('x'), 'KOI8-R'), UnsupportedCharsetError);
});

test('foldCase folds Unicode case', () => {
  assert.equal(foldCase('STRASSE'), foldCase('straße'));
  assert.equal(foldCase('ΣΊΣΥΦΟΣ'), foldCase('σίσυφος'));
  assert.equal(foldCase('ZOË'), 'zoë');
  assert.equal(foldCase('ﬁle'), 'file');
});
