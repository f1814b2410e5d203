// The collation order of SORT and THREAD keys (RFC 5256 §7, RFC 5051): code points, as UTF-8 octets.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { codePointOrdered, collationKey, compareKeys } from '../../src/sort/collate.js';

/** The definition itself: the UTF-8 octets, compared one by one. */
function byOctets(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/** Keys as SORT compares them: code-point ordered (collationKey without the case folding). */
function compareText(a: string, b: string): number {
  return compareKeys(codePointOrdered(a), codePointOrdered(b));
}

describe('compareKeys over codePointOrdered keys', () => {
  it('orders by code point where UTF-16 units would not: U+FFFD before U+1F600', () => {
    assert.ok(compareText('\u{FFFD}', '\u{1F600}') < 0);
    assert.ok(compareText('\u{1F600}', '\u{E000}') > 0);
    assert.ok(compareText('a\u{10000}', 'a\u{FFFF}') > 0);
  });

  it('leaves strings below U+D800 as they are and keeps keys distinct', () => {
    assert.equal(codePointOrdered('Héllo wörld'), 'Héllo wörld');
    const samples = ['\u{E000}', '\u{F7FF}', '\u{FFFF}', '\u{10000}', '\u{1F600}', '\u{D7FF}'];
    assert.equal(new Set(samples.map(codePointOrdered)).size, samples.length);
  });

  it('collationKey folds case first: equal keys for strings that differ in case only', () => {
    assert.equal(collationKey('RE: Lunch \u{1F600}'), collationKey('re: lunch \u{1F600}'));
  });

  it('puts a prefix first and equal strings level', () => {
    assert.ok(compareText('', 'a') < 0);
    assert.ok(compareText('abc', 'ab') > 0);
    assert.equal(compareText('héllo', 'héllo'), 0);
  });

  it('agrees in sign with the octet order on many mixed strings', () => {
    const alphabet = ['a', 'z', 'é', '\u{7FF}', '\u{800}', '\u{D7FF}', '\u{E000}', '\u{FFFD}', '\u{FFFF}', '\u{10000}', '\u{1F600}', '\u{10FFFF}'];
    let seed = 7;
    const random = (): number => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed / 2 ** 32;
    };
    const word = (): string => Array.from({ length: Math.floor(random() * 4) }, () => alphabet[Math.floor(random() * alphabet.length)]).join('');
    for (let i = 0; i < 5000; i++) {
      const a = word();
      const b = random() < 0.3 ? a + word() : word();
      assert.equal(Math.sign(compareText(a, b)), Math.sign(byOctets(a, b)), `${JSON.stringify(a)} vs ${JSON.stringify(b)}`);
    }
  });
});
