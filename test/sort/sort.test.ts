// SORT criteria (RFC 5256 §3, RFC 5957): each key, REVERSE, multiple keys and the tie-breaker.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { sortItems, type SortCriterion } from '../../src/sort/index.js';
import { items } from './items.js';

const box = items([
  { uid: 1, headers: { Subject: 'Re: beta', From: 'Zed <zed@x.org>', To: 'b@x.org', Date: 'Mon, 1 Jan 2024 10:00:00 +0000' }, internal: '2024-02-03T00:00:00Z', size: 300 },
  { uid: 2, headers: { Subject: 'Alpha', From: '"Adam" <yves@x.org>', To: 'a@x.org', Cc: 'c@x.org', Date: 'Mon, 1 Jan 2024 09:00:00 -0200' }, internal: '2024-02-01T00:00:00Z', size: 100 },
  { uid: 3, headers: { Subject: '[list] BETA', From: 'bob@x.org', Date: 'garbage' }, internal: '2024-01-01T11:30:00Z', size: 200 },
  { uid: 4, headers: { Subject: 'alpha (fwd)', From: '=?UTF-8?Q?=C3=89lise?= <elise@x.org>', To: 'Group: d@x.org;' }, internal: '2024-01-01T10:30:00Z', size: 100 },
]);

function order(criteria: SortCriterion[]): number[] {
  return sortItems(box, criteria).map((i) => i.meta.uid);
}
const c = (key: SortCriterion['key'], reverse = false): SortCriterion => ({ key, reverse });

describe('sortItems (RFC 5256 §3)', () => {
  it('ARRIVAL is the internal date', () => assert.deepEqual(order([c('ARRIVAL')]), [4, 3, 2, 1]));
  it('DATE is the sent date in UTC, the internal date when Date: is missing or bad (§2.2)', () => {
    // 1: 10:00Z, 2: 11:00Z, 3: bad -> internal 11:30Z, 4: none -> internal 10:30Z
    assert.deepEqual(order([c('DATE')]), [1, 4, 2, 3]);
  });
  it('SIZE with ties kept in mailbox order', () => assert.deepEqual(order([c('SIZE')]), [2, 4, 3, 1]));
  it('REVERSE does not reverse the tie-breaker', () => assert.deepEqual(order([c('SIZE', true)]), [1, 3, 2, 4]));
  it('SUBJECT uses the base subject, case-insensitive', () => assert.deepEqual(order([c('SUBJECT')]), [2, 4, 1, 3]));
  it('SUBJECT then REVERSE DATE', () => assert.deepEqual(order([c('SUBJECT'), c('DATE', true)]), [2, 4, 3, 1]));
  it('FROM is the local part of the first From address', () => assert.deepEqual(order([c('FROM')]), [3, 4, 2, 1]));
  it('TO: missing sorts first as the empty string; groups give their first member', () => assert.deepEqual(order([c('TO')]), [3, 2, 1, 4]));
  it('CC: empty strings first', () => assert.deepEqual(order([c('CC')]), [1, 3, 4, 2]));
  it('DISPLAYFROM is the decoded display name, else the address (RFC 5957)', () => {
    // keys: zed, adam, bob@x.org, élise; code-point order puts é after z
    assert.deepEqual(order([c('DISPLAYFROM')]), [2, 3, 1, 4]);
  });
  it('DISPLAYTO: the address when there is no display name', () => assert.deepEqual(order([c('DISPLAYTO')]), [3, 2, 1, 4]));
});
