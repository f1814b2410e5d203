// THREAD=ORDEREDSUBJECT and THREAD=REFERENCES (RFC 5256 §3) and the THREAD response format (§4).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { formatThreads, messageIds, threadOrderedSubject, threadReferences, type ThreadNode } from '../../src/sort/index.js';
import { formatUidSet as orderedSet } from '../../src/imap/wire/sequence.js';
import { items, type ItemSpec } from './items.js';

const id = (u: number): number => u;
const date = (minute: number): string => `Mon, 1 Jan 2024 10:${String(minute).padStart(2, '0')}:00 +0000`;

function refs(specs: ItemSpec[]): string {
  return formatThreads(threadReferences(items(specs)), id);
}

describe('formatThreads (RFC 5256 §4)', () => {
  const n = (uid: number | null, ...children: ThreadNode[]): ThreadNode => ({ uid, children });
  it('writes the RFC example', () => {
    const t = [n(2), n(3, n(6, n(4, n(23)), n(44, n(7, n(96)))))];
    assert.equal(formatThreads(t, id), '(2)(3 6 (4 23)(44 7 96))');
  });
  it('writes a dummy parent as nested lists', () => assert.equal(formatThreads([n(null, n(3), n(5))], id), '((3)(5))'));
  it('maps numbers', () => assert.equal(formatThreads([n(10, n(20))], (u) => u / 10), '(1 2)'));
  it('orderedSet keeps the order and only ascending ranges', () => {
    assert.equal(orderedSet([23765, 23764, 23763, 23761]), '23765,23764,23763,23761');
    assert.equal(orderedSet([1, 2, 3, 7, 5, 6]), '1:3,7,5:6');
    assert.equal(orderedSet([]), '');
  });
});

describe('messageIds', () => {
  it('normalizes quoting (RFC 5256 §3)', () => {
    assert.deepEqual(messageIds('<"01KF8JCEOCBS0045PS"@xxx.yyy.com> <01KF8JCEOCBS0045PS@xxx.yyy.com>'), ['01KF8JCEOCBS0045PS@xxx.yyy.com', '01KF8JCEOCBS0045PS@xxx.yyy.com']);
  });
  it('skips invalid ones', () => assert.deepEqual(messageIds('<nope> junk <a@b> <@b> <a@>'), ['a@b']));
});

describe('threadOrderedSubject', () => {
  it('groups by base subject, children flat, threads by first date', () => {
    const t = threadOrderedSubject(
      items([
        { uid: 1, headers: { Subject: 'b', Date: date(5) } },
        { uid: 2, headers: { Subject: 'a', Date: date(1) } },
        { uid: 3, headers: { Subject: 'Re: b', Date: date(2) } },
        { uid: 4, headers: { Subject: 'Re: a', Date: date(9) } },
        { uid: 5, headers: { Subject: 'RE: A', Date: date(3) } },
        { uid: 6, headers: { Subject: 'c', Date: date(4) } },
      ]),
    );
    assert.equal(formatThreads(t, id), '(2 (5)(4))(3 1)(6)');
  });
  it('no messages, no threads', () => assert.equal(formatThreads(threadOrderedSubject([]), id), ''));
});

describe('threadReferences', () => {
  it('links by References and In-Reply-To', () => {
    assert.equal(
      refs([
        { uid: 1, headers: { 'Message-ID': '<1@x>', Subject: 'one', Date: date(1) } },
        { uid: 2, headers: { 'Message-ID': '<2@x>', References: '<1@x>', Subject: 'Re: one', Date: date(2) } },
        { uid: 3, headers: { 'Message-ID': '<3@x>', 'In-Reply-To': '<1@x> (sent by someone)', Subject: 'Re: one', Date: date(3) } },
        { uid: 4, headers: { 'Message-ID': '<4@x>', References: '<1@x> <2@x>', Subject: 'Re: one', Date: date(4) } },
        { uid: 5, headers: { 'Message-ID': '<5@x>', Subject: 'other', Date: date(0) } },
      ]),
      '(5)(1 (2 4)(3))',
    );
  });
  it('a missing parent becomes a dummy; siblings under a dummy at the root', () => {
    assert.equal(
      refs([
        { uid: 1, headers: { 'Message-ID': '<a@x>', References: '<gone@x>', Subject: 'Re: gone', Date: date(1) } },
        { uid: 2, headers: { 'Message-ID': '<b@x>', References: '<gone@x>', Subject: 'Re: gone', Date: date(2) } },
        { uid: 3, headers: { 'Message-ID': '<c@x>', References: '<gone2@x>', Subject: 'lonely', Date: date(3) } },
      ]),
      '((1)(2))(3)',
    );
  });
  it('a dummy in the middle is spliced out', () => {
    assert.equal(
      refs([
        { uid: 1, headers: { 'Message-ID': '<a@x>', Subject: 'x', Date: date(1) } },
        { uid: 2, headers: { 'Message-ID': '<c@x>', References: '<a@x> <missing@x>', Subject: 'Re: x', Date: date(2) } },
      ]),
      '(1 2)',
    );
  });
  it('merges roots by subject: a reply goes under the original (step 5)', () => {
    assert.equal(
      refs([
        { uid: 1, headers: { 'Message-ID': '<r@x>', Subject: 'Re: topic', Date: date(2) } },
        { uid: 2, headers: { 'Message-ID': '<o@x>', Subject: 'topic', Date: date(1) } },
      ]),
      '(2 1)',
    );
  });
  it('merges two non-replies (or two replies) under a new dummy', () => {
    assert.equal(
      refs([
        { uid: 1, headers: { 'Message-ID': '<a@x>', Subject: 'topic', Date: date(1) } },
        { uid: 2, headers: { 'Message-ID': '<b@x>', Subject: 'topic', Date: date(2) } },
        { uid: 3, headers: { 'Message-ID': '<c@x>', Subject: 'Topic', Date: date(3) } },
      ]),
      '((1)(2)(3))',
    );
  });
  it('empty subjects are not merged', () => {
    assert.equal(
      refs([
        { uid: 1, headers: { 'Message-ID': '<a@x>', Date: date(1) } },
        { uid: 2, headers: { 'Message-ID': '<b@x>', Subject: 'Re:', Date: date(2) } },
      ]),
      '(1)(2)',
    );
  });
  it('duplicate and missing Message-IDs get unique ids', () => {
    assert.equal(
      refs([
        { uid: 1, headers: { 'Message-ID': '<a@x>', Subject: 's1', Date: date(1) } },
        { uid: 2, headers: { 'Message-ID': '<a@x>', Subject: 's2', Date: date(2) } },
        { uid: 3, headers: { Subject: 's3', Date: date(3) } },
        { uid: 4, headers: { References: '<a@x>', Subject: 's4', Date: date(4) } },
      ]),
      '(1 4)(2)(3)',
    );
  });
  it('references that loop do not hang or lose messages', () => {
    const out = refs([
      { uid: 1, headers: { 'Message-ID': '<a@x>', References: '<b@x>', Subject: 'a', Date: date(1) } },
      { uid: 2, headers: { 'Message-ID': '<b@x>', References: '<a@x>', Subject: 'b', Date: date(2) } },
      { uid: 3, headers: { 'Message-ID': '<c@x>', References: '<c@x>', Subject: 'c', Date: date(3) } },
    ]);
    assert.deepEqual(out.match(/\d+/g)?.map(Number).sort(), [1, 2, 3]);
  });
  it('a truncated References is corrected by the last reference (1B)', () => {
    assert.equal(
      refs([
        { uid: 1, headers: { 'Message-ID': '<a@x>', Subject: 'a', Date: date(1) } },
        { uid: 2, headers: { 'Message-ID': '<b@x>', References: '<a@x>', Subject: 'b', Date: date(2) } },
        { uid: 3, headers: { 'Message-ID': '<c@x>', References: '<b@x>', Subject: 'c', Date: date(3) } },
        // d says c's parent is a: c already has a parent, so 1A keeps b -> c
        { uid: 4, headers: { 'Message-ID': '<d@x>', References: '<a@x> <c@x>', Subject: 'd', Date: date(4) } },
      ]),
      '(1 2 3 4)',
    );
  });
  it('siblings sorted by sent date with mailbox order as tie-breaker', () => {
    assert.equal(
      refs([
        { uid: 1, headers: { 'Message-ID': '<p@x>', Subject: 'p', Date: date(1) } },
        { uid: 2, headers: { 'Message-ID': '<c1@x>', References: '<p@x>', Subject: 'c', Date: date(9) } },
        { uid: 3, headers: { 'Message-ID': '<c2@x>', References: '<p@x>', Subject: 'c', Date: date(5) } },
        { uid: 4, headers: { 'Message-ID': '<c3@x>', References: '<p@x>', Subject: 'c', Date: date(5) } },
      ]),
      '(1 (3)(4)(2))',
    );
  });
});
