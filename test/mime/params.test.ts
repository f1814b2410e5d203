import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseContentType, parseDisposition, parseLanguage, parseParams } from '../../src/mime/params.js';

test('Content-Type: type/subtype lower-cased, quoted values, comments removed', () => {
  assert.deepEqual(parseContentType('Text/HTML; Charset="UTF-8" (comment); format=flowed'), {
    type: 'text',
    subtype: 'html',
    params: [['charset', 'UTF-8'], ['format', 'flowed']],
  });
  assert.deepEqual(parseContentType('(lead) multipart/mixed;\tboundary="a;b\\"c"')?.params, [['boundary', 'a;b"c']]);
  assert.equal(parseContentType('text'), null);
  assert.equal(parseContentType('this is/not valid'), null);
  assert.equal(parseContentType(''), null);
});

test('tolerant parameters: unquoted spaces, no value, empty, duplicates (first wins)', () => {
  assert.deepEqual(parseParams('; name=my file.pdf ; junk; ;x=1; X=2'), [['name', 'my file.pdf'], ['x', '1']]);
  assert.deepEqual(parseParams(';a=""'), [['a', '']]);
});

test('RFC 2231: continuations, charset and language, gaps, mixed encoded segments', () => {
  assert.deepEqual(parseParams(`; title*0*=us-ascii'en'This%20is%20; title*1*=%2A%2A%2Afun%2A%2A%2A; title*2="isn't it!"`), [
    ['title', "This is ***fun***isn't it!"],
  ]);
  assert.deepEqual(parseParams(`; filename*=UTF-8''%E2%82%AC%20rates.pdf`), [['filename', '€ rates.pdf']]);
  assert.deepEqual(parseParams(`; filename*=iso-8859-1'de'%FCber.txt`), [['filename', 'über.txt']]);
  // A gap stops the join (RFC 2231 §3); out-of-order segments are sorted.
  assert.deepEqual(parseParams('; n*1=b; n*0=a; n*3=d'), [['n', 'ab']]);
  // The RFC 2231 form wins over a plain one of the same name.
  assert.deepEqual(parseParams(`; name="fallback.txt"; name*=utf-8''r%C3%A9al.txt`), [['name', 'réal.txt']]);
  // Broken percent escapes and no charset are kept.
  assert.deepEqual(parseParams(`; f*=%zz%41`), [['f', '%zzA']]);
});

test('Content-Disposition and Content-Language', () => {
  assert.deepEqual(parseDisposition('Attachment; filename="a b.txt"; size=10'), {
    type: 'attachment',
    params: [['filename', 'a b.txt'], ['size', '10']],
  });
  assert.equal(parseDisposition('; filename=x'), null);
  assert.deepEqual(parseLanguage('en-US, de (German)'), ['en-US', 'de']);
  assert.equal(parseLanguage(' , '), null);
});
