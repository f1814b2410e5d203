// What SORT and THREAD read per message (src/imap/commands/sort-items.ts): the Date: header or the
// envelope alone where the store offers them, whole summaries only where a key needs more.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { factsLoader } from '../../src/imap/commands/sort-items.js';
import type { Envelope, MessageSummary } from '../../src/mime/types.js';
import type { Store } from '../../src/store/types.js';

const envelope = { subject: 'Lunch' } as unknown as Envelope;
const sent = { ms: 1_700_000_000_000, offsetMinutes: 60 };

/** A store that records which reader was called; only the readers factsLoader may use exist. */
function recordingStore(withEnvelopes: boolean): { store: Store; calls: string[] } {
  const calls: string[] = [];
  const store = {
    getSummaries: (_box: number, uids: readonly number[]) => {
      calls.push('summaries');
      return Promise.resolve(new Map(uids.map((uid) => [uid, { envelope, sentDate: sent, headers: [] } as unknown as MessageSummary])));
    },
    // UID 2 has no Date: header; UID 3 was expunged meanwhile (absent from both answers).
    getSentDates: (_box: number, uids: readonly number[]) => {
      calls.push('dates');
      return Promise.resolve(new Map(uids.filter((u) => u !== 3).map((uid) => [uid, uid === 2 ? null : sent])));
    },
    ...(withEnvelopes
      ? {
          getEnvelopes: (_box: number, uids: readonly number[]) => {
            calls.push('envelopes');
            return Promise.resolve(new Map(uids.filter((u) => u !== 3).map((uid) => [uid, envelope])));
          },
        }
      : {}),
  } as unknown as Store;
  return { store, calls };
}

describe('factsLoader', () => {
  it('reads nothing for ARRIVAL or SIZE', () => {
    assert.equal(factsLoader(recordingStore(true).store, 1, { sentDate: false, envelope: false, headers: false }), null);
  });

  it('reads only the dates for DATE; a missing Date: header or message gives null (internal date)', async () => {
    const { store, calls } = recordingStore(true);
    const facts = await factsLoader(store, 1, { sentDate: true, envelope: false, headers: false })?.([1, 2, 3]);
    assert.deepEqual(calls, ['dates']);
    assert.deepEqual(facts?.get(1), { sentDate: sent });
    assert.deepEqual(facts?.get(2), { sentDate: null });
    assert.deepEqual(facts?.get(3), { sentDate: null });
  });

  it('reads only the envelopes for SUBJECT', async () => {
    const { store, calls } = recordingStore(true);
    const facts = await factsLoader(store, 1, { sentDate: false, envelope: true, headers: false })?.([1, 3]);
    assert.deepEqual(calls, ['envelopes']);
    assert.deepEqual(facts?.get(1), { envelope });
    assert.deepEqual(facts?.get(3), {});
  });

  it('reads whole summaries for dates and envelopes together (ORDEREDSUBJECT): one read, not two', async () => {
    const { store, calls } = recordingStore(true);
    await factsLoader(store, 1, { sentDate: true, envelope: true, headers: false })?.([1]);
    assert.deepEqual(calls, ['summaries']);
  });

  it('falls back to whole summaries where the store has no envelope reader, and for REFERENCES', async () => {
    const without = recordingStore(false);
    await factsLoader(without.store, 1, { sentDate: false, envelope: true, headers: false })?.([1]);
    assert.deepEqual(without.calls, ['summaries']);
    const refs = recordingStore(true);
    await factsLoader(refs.store, 1, { sentDate: true, envelope: true, headers: true })?.([1]);
    assert.deepEqual(refs.calls, ['summaries']);
  });
});
