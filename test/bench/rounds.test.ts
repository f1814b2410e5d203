// The rules of bench --rounds: median per figure, round 1 for firstOnly figures, null when no round
// could measure it, a failed round fails the result, and Postkeep's advantage in each round.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { rows, verdict, type Row } from '../../bench/report.js';
import { combineRounds, median, roundAdvantages, roundOrder, type Outcome } from '../../bench/rounds.js';
import type { Figure } from '../../bench/scenarios/types.js';

const fig = (key: string, value: number | null, more: Partial<Figure> = {}): Figure => ({ key, label: key, unit: 'ms', better: 'lower', value, ...more });

function figures(o: Outcome): Figure[] {
  assert.ok(Array.isArray(o), JSON.stringify(o));
  return o;
}
const byKey = (o: Outcome, key: string): Figure | undefined => figures(o).find((f) => f.key === key);

test('median: the middle value, or the mean of the two middle ones', () => {
  assert.equal(median([5, 1, 3]), 3);
  assert.equal(median([4, 1, 3, 10]), 3.5);
  assert.equal(median([7]), 7);
  assert.ok(Number.isNaN(median([])));
});

test('combineRounds: median value, every round kept in detail.rounds, round 1 detail kept', () => {
  const c = combineRounds([
    [fig('t', 10, { detail: { ops: 1 } })],
    [fig('t', 30, { detail: { ops: 2 } })],
    [fig('t', 20, { detail: { ops: 3 } })],
  ]);
  assert.deepEqual(byKey(c, 't'), fig('t', 20, { detail: { ops: 1, rounds: [10, 30, 20] } }));
  const even = combineRounds([[fig('t', 10)], [fig('t', 30)]]);
  assert.equal(byKey(even, 't')?.value, 20);
});

test('combineRounds: one round is returned as it is', () => {
  const one = [fig('t', 10, { detail: { ops: 1 } })];
  assert.deepEqual(combineRounds([one]), one);
});

test('combineRounds: a firstOnly figure takes round 1, says so, and keeps the other rounds', () => {
  const c = combineRounds([[fig('cold', 500, { firstOnly: true })], [fig('cold', 2, { firstOnly: true })], [fig('cold', 3, { firstOnly: true })]]);
  const f = byKey(c, 'cold');
  assert.equal(f?.value, 500);
  assert.match(f?.note ?? '', /first round only/);
  assert.deepEqual(f?.detail?.['rounds'], [500, 2, 3]);
});

test('combineRounds: null rounds do not count; a figure never measured stays null with its note', () => {
  const c = combineRounds([
    [fig('a', null), fig('lmtp', null, { note: 'no LMTP listener' })],
    [fig('a', 8), fig('lmtp', null, { note: 'no LMTP listener' })],
    [fig('a', 4), fig('lmtp', null, { note: 'no LMTP listener' })],
  ]);
  assert.equal(byKey(c, 'a')?.value, 6);
  assert.equal(byKey(c, 'lmtp')?.value, null);
  assert.equal(byKey(c, 'lmtp')?.note, 'no LMTP listener');
});

test('combineRounds: a failed round makes the result an error naming the round', () => {
  const c = combineRounds([[fig('t', 1)], { error: 'connection refused' }]);
  assert.deepEqual(c, { error: 'round 2 of 2: connection refused' });
  // The suite runs no more rounds after a failed one: the count asked for is given.
  assert.deepEqual(combineRounds([{ error: 'timeout' }], 3), { error: 'round 1 of 3: timeout' });
});

test('roundAdvantages: Postkeep better > 1 in each round, whatever the direction', () => {
  const pk = figures(combineRounds([[fig('t', 10)], [fig('t', 20)], [fig('t', 40)]]))[0];
  const dv = figures(combineRounds([[fig('t', 20)], [fig('t', 10)], [fig('t', null)]]))[0];
  assert.deepEqual(roundAdvantages(pk, dv), [2, 0.5, null]);
  const rate = (v: number): Figure => fig('r', v, { better: 'higher' });
  const pr = figures(combineRounds([[rate(12)], [rate(9)]]))[0];
  const dr = figures(combineRounds([[rate(10)], [rate(10)]]))[0];
  assert.deepEqual(roundAdvantages(pr, dr), [1.2, 0.9]);
  // A negative memory delta is no advantage either way.
  const pm = figures(combineRounds([[fig('m', 26)], [fig('m', -11)]]))[0];
  const dm = figures(combineRounds([[fig('m', 500)], [fig('m', 490)]]))[0];
  assert.deepEqual(roundAdvantages(pm, dm), [500 / 26, null]);
  // Not in rounds, or first-only: nothing per round.
  assert.equal(roundAdvantages(fig('t', 1), fig('t', 2)), null);
  const cold = (v: number): Figure[] => [fig('c', v, { firstOnly: true })];
  assert.equal(roundAdvantages(figures(combineRounds([cold(1), cold(2)]))[0], figures(combineRounds([cold(3), cold(4)]))[0]), null);
});

/** The row of a higher-is-better rate measured in rounds: Postkeep's values against Dovecot's. */
function rateRow(postkeep: readonly number[], dovecot: readonly number[]): Row {
  const rounds = (values: readonly number[]): Outcome => combineRounds(values.map((v) => [fig('r', v, { better: 'higher' })]));
  const [row] = rows({ name: 's', title: 's', date: 'd', servers: { postkeep: rounds(postkeep), dovecot: rounds(dovecot) }, rounds: postkeep.length });
  assert.ok(row);
  return row;
}

test('rows: the ratio is of the medians, the note lists the advantage of each round', () => {
  const row = rateRow([112, 97, 108], [100, 100, 100]);
  assert.equal(row.ratio, 1.08);
  assert.deepEqual(row.roundAdvantages, [1.12, 0.97, 1.08]);
  assert.equal(row.note, 'rounds: 1.12 0.97 1.08');
});

test('rows: with rounds the verdict is the median of the paired advantages, not the ratio of the medians', () => {
  // Drift between rounds: both servers twice as fast in round 3. Postkeep is ahead in 2 of 3 pairs.
  const row = rateRow([105, 95, 210], [100, 100, 200]);
  assert.equal(row.ratio, 1.05);
  assert.equal(row.advantage, 1.05);
  assert.equal(verdict(row), 'Postkeep 1.05x better');
  // Medians 99 vs 100 (0.99), but the pairs say 0.99, 0.95, 0.90: median 0.95.
  assert.equal(rateRow([99, 95, 180], [100, 100, 200]).advantage, 0.95);
});

test('roundOrder: as given in odd rounds, reversed in even ones', () => {
  assert.deepEqual(roundOrder(['postkeep', 'dovecot'], 1), ['postkeep', 'dovecot']);
  assert.deepEqual(roundOrder(['postkeep', 'dovecot'], 2), ['dovecot', 'postkeep']);
  assert.deepEqual(roundOrder(['postkeep', 'dovecot'], 3), ['postkeep', 'dovecot']);
});
