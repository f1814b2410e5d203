// Table tests for the selected-mailbox view (src/imap/selected.ts): numbering, resolve(), and
// that interleaved expunges/stores from other sessions never yield a wrong sequence number.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SelectedView, type Untagged } from '../../../src/imap/selected.js';
import { IN_STATE, type IndexedState } from '../../../src/imap/flag-index.js';
import type { Mailbox, MailboxChanges, MessageMeta } from '../../../src/store/types.js';
import type { SequenceSet } from '../../../src/imap/wire/ast.js';
import { Atom, type ImapData } from '../../../src/imap/wire/data.js';

const mailbox: Mailbox = { id: 1, accountId: 1, name: 'INBOX', uidValidity: 7, uidNext: 1, highestModseq: 1, specialUse: null, mailboxId: 'm1' };

function meta(uid: number, modseq: number, flags: string[] = []): MessageMeta {
  return { uid, modseq, flags, internalDate: 0, saveDate: 0, size: 10, blobId: 'b', emailId: 'e', threadId: 't' };
}

/** A tiny model of the store: the truth that views pull from. */
class FakeMailbox {
  modseq = 1;
  nextUid = 1;
  readonly messages = new Map<number, MessageMeta>();
  readonly expungeLog: [number, number][] = [];
  add(flags: string[] = []): number {
    const uid = this.nextUid++;
    this.messages.set(uid, meta(uid, ++this.modseq, flags));
    return uid;
  }
  expunge(uid: number): void {
    if (!this.messages.delete(uid)) return;
    this.expungeLog.push([uid, ++this.modseq]);
  }
  setFlags(uid: number, flags: string[]): void {
    if (!this.messages.has(uid)) return;
    this.messages.set(uid, meta(uid, ++this.modseq, flags));
  }
  list(): MessageMeta[] {
    return [...this.messages.values()].sort((a, b) => a.uid - b.uid);
  }
  changesSince(m: number): MailboxChanges {
    return {
      highestModseq: this.modseq,
      expunged: this.expungeLog.filter(([, s]) => s > m).map(([u]) => u).sort((a, b) => a - b),
      changed: this.list().filter((x) => x.modseq > m),
    };
  }
}

function text(u: Untagged): string {
  const one = (d: ImapData): string =>
    d === null ? 'NIL' : typeof d === 'number' ? String(d) : typeof d === 'string' ? JSON.stringify(d) : d instanceof Atom ? d.value : Array.isArray(d) ? `(${d.map(one).join(' ')})` : '?';
  return u.map(one).join(' ');
}

function openView(box: FakeMailbox, recentFrom = Infinity): SelectedView {
  return new SelectedView(mailbox, box.list(), { readOnly: false, highestModseq: box.modseq, recentFrom });
}

const set = (...ranges: [number | '*', number | '*'][]): SequenceSet => ({ kind: 'set', ranges: ranges.map(([start, end]) => ({ start, end })) });

test('resolve: MSN and UID sets, * and reversed ranges', () => {
  const box = new FakeMailbox();
  for (let i = 0; i < 5; i++) box.add();
  box.expunge(2);
  box.expunge(4); // UIDs 1 3 5
  const v = openView(box);
  assert.deepEqual(v.resolve(set([1, '*']), false), [1, 3, 5]);
  assert.deepEqual(v.resolve(set([3, 2]), false), [3, 5]);
  assert.deepEqual(v.resolve(set(['*', '*']), false), [5]);
  assert.deepEqual(v.resolve(set([2, 4]), true), [3]);
  assert.deepEqual(v.resolve(set([9, '*']), true), [5], 'RFC 9051 §6.4.9: 9:* includes the highest UID');
  assert.deepEqual(v.resolve(set([6, 9]), true), []);
  assert.deepEqual(v.resolve(set([1, 1], [1, 3], [5, 5]), true), [1, 3, 5]);
  assert.throws(() => v.resolve(set([4, 4]), false), /out of range/);
  assert.equal(v.msnOf(5), 3);
  assert.equal(v.msnOf(4), 0);
});

test('resolve: empty mailbox', () => {
  const v = openView(new FakeMailbox());
  assert.deepEqual(v.resolve(set([1, '*']), true), []);
  assert.throws(() => v.resolve(set([1, '*']), false), /No messages/);
});

test('flush: expunges highest first, then EXISTS/RECENT, then FETCH FLAGS with UID', () => {
  const box = new FakeMailbox();
  for (let i = 0; i < 4; i++) box.add();
  const v = openView(box, 4);
  box.expunge(2);
  box.expunge(3);
  box.add(); // uid 5
  box.setFlags(4, ['\\Seen']);
  v.apply(box.changesSince(v.modseq));
  assert.deepEqual(v.flush({ allowExpunge: true, rev2: false }).map(text), [
    '3 EXPUNGE',
    '2 EXPUNGE',
    '3 EXISTS',
    '1 RECENT',
    '2 FETCH (UID 4 FLAGS (\\Seen \\Recent))',
  ]);
  assert.deepEqual(v.flush({ allowExpunge: true, rev2: false }), []);
});

test('flush: an expunge held during a sequence-number command holds EXISTS too, flags still go', () => {
  const box = new FakeMailbox();
  for (let i = 0; i < 3; i++) box.add();
  const v = openView(box);
  box.expunge(1);
  box.add();
  box.setFlags(3, ['\\Flagged']);
  v.apply(box.changesSince(v.modseq));
  assert.deepEqual(v.flush({ allowExpunge: false, rev2: true }).map(text), ['3 FETCH (UID 3 FLAGS (\\Flagged))']);
  assert.equal(v.count, 3);
  assert.deepEqual(v.flush({ allowExpunge: true, rev2: true }).map(text), ['1 EXPUNGE', '3 EXISTS']);
});

test('flush: new messages go out while no expunge is pending, even when expunges are not allowed', () => {
  const box = new FakeMailbox();
  box.add();
  const v = openView(box);
  box.add();
  v.apply(box.changesSince(v.modseq));
  assert.deepEqual(v.flush({ allowExpunge: false, rev2: true }).map(text), ['2 EXISTS']);
});

test('own STORE results are not echoed twice', () => {
  const box = new FakeMailbox();
  box.add();
  box.add();
  const v = openView(box);
  box.setFlags(2, ['\\Seen']);
  v.noteOwnChanges([box.messages.get(2) as MessageMeta]);
  v.apply(box.changesSince(v.modseq));
  assert.deepEqual(v.flush({ allowExpunge: true, rev2: true }), []);
  box.setFlags(2, ['\\Seen', '\\Flagged']); // another session after ours: echoed
  v.apply(box.changesSince(v.modseq));
  assert.deepEqual(v.flush({ allowExpunge: true, rev2: true }).map(text), ['2 FETCH (UID 2 FLAGS (\\Seen \\Flagged))']);
});

test('added then expunged before being announced: never shown', () => {
  const box = new FakeMailbox();
  box.add();
  const v = openView(box);
  const uid = box.add();
  v.apply(box.changesSince(v.modseq));
  box.expunge(uid);
  v.apply(box.changesSince(v.modseq));
  assert.deepEqual(v.flush({ allowExpunge: true, rev2: true }), []);
  assert.equal(v.count, 1);
});

test('a repeated pull (same MODSEQ) changes nothing', () => {
  const box = new FakeMailbox();
  box.add();
  const v = openView(box);
  box.setFlags(1, ['\\Seen']);
  const c = box.changesSince(v.modseq);
  v.apply(c);
  v.apply(c);
  assert.equal(v.flush({ allowExpunge: true, rev2: true }).length, 1);
  v.apply(box.changesSince(0));
  assert.deepEqual(v.flush({ allowExpunge: true, rev2: true }), []);
});

/** A deterministic PRNG, so a failure is reproducible. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** What a client does with the responses: EXPUNGE n removes the n-th; EXISTS grows; FETCH names an MSN. */
function clientApply(client: number[], view: SelectedView, responses: Untagged[], box: FakeMailbox): void {
  for (const r of responses) {
    const n = r[0] as number;
    const kind = (r[1] as Atom).value;
    if (kind === 'EXPUNGE') {
      assert.ok(n >= 1 && n <= client.length, `EXPUNGE ${n} with ${client.length} messages`);
      const [uid] = client.splice(n - 1, 1);
      assert.ok(!box.messages.has(uid as number), `EXPUNGE ${n} removed UID ${uid}, which still exists`);
    } else if (kind === 'EXISTS') {
      assert.ok(n >= client.length, 'EXISTS never shrinks');
      while (client.length < n) client.push(view.uidAt(client.length + 1) as number);
    } else if (kind === 'FETCH') {
      assert.ok(n >= 1 && n <= client.length, `FETCH ${n} with ${client.length} messages`);
      const items = r[2] as ImapData[];
      assert.equal(client[n - 1], items[1], `FETCH ${n} names UID ${String(items[1])}`);
    }
  }
}

/** The pass over every message gives what meta() gives, and every message with \Deleted is among
 *  the candidates SEARCH DELETED looks at. */
function checkPasses(v: SelectedView, where: string): void {
  const all = v.messages();
  for (const m of all) assert.equal(m.meta, v.meta(m.meta.uid), `${where}: metadata of UID ${m.meta.uid}`);
  for (const [state, test] of Object.entries(IN_STATE)) {
    const list = v.candidatesInState(state as IndexedState);
    if (list === null) continue; // too many: SEARCH passes over every message
    const candidates = new Set(list);
    for (const m of all) if (test(m.meta)) assert.ok(candidates.has(m.meta.uid), `${where}: UID ${m.meta.uid} is a candidate for ${state}`);
  }
}

test('two sessions interleaving expunges, stores and appends never produce a wrong number', () => {
  for (let seed = 1; seed <= 200; seed++) {
    const rand = rng(seed);
    const box = new FakeMailbox();
    for (let i = 0; i < 5; i++) box.add();
    const views = [openView(box), openView(box)];
    const clients = views.map((v) => v.messages().map((m) => m.meta.uid));
    for (let step = 0; step < 60; step++) {
      const r = rand();
      const live = box.list();
      const pick = live[Math.floor(rand() * live.length)];
      if (r < 0.25) box.add();
      else if (r < 0.45 && pick) box.expunge(pick.uid);
      else if (r < 0.65 && pick) {
        const flags = rand() < 0.5 ? ['\\Seen'] : ['\\Deleted'];
        box.setFlags(pick.uid, flags);
        // Half the time the change is "ours" in session 0 (STORE echo path).
        if (rand() < 0.5) (views[0] as SelectedView).noteOwnChanges([box.messages.get(pick.uid) as MessageMeta]);
      } else {
        const i = rand() < 0.5 ? 0 : 1;
        const v = views[i] as SelectedView;
        if (rand() < 0.7) v.apply(box.changesSince(v.modseq));
        const out = v.flush({ allowExpunge: rand() < 0.5, rev2: rand() < 0.5 });
        clientApply(clients[i] as number[], v, out, box);
        assert.deepEqual(clients[i], v.messages().map((m) => m.meta.uid), `seed ${seed}: client and view agree`);
        checkPasses(v, `seed ${seed} step ${step}`);
      }
    }
    views.forEach((v, i) => {
      v.apply(box.changesSince(v.modseq));
      clientApply(clients[i] as number[], v, v.flush({ allowExpunge: true, rev2: false }), box);
      assert.deepEqual(clients[i], box.list().map((m) => m.uid), `seed ${seed}: session ${i} ends in step with the store`);
      for (const m of box.list()) assert.deepEqual(v.meta(m.uid)?.flags, m.flags);
    });
  }
});

test('walk: the same (MSN, metadata, \\Recent) as msnOf/meta/isRecent, skipping UIDs the client does not know', () => {
  const box = new FakeMailbox();
  for (let i = 0; i < 40; i++) box.add(i % 3 === 0 ? ['\\Seen'] : []);
  const v = openView(box, 30);
  const walked = (uids: number[]): string[] => {
    const out: string[] = [];
    v.walk(uids, 0, uids.length, (msn, m, recent) => out.push(`${msn}:${m.uid}:${m.flags.join(',')}:${recent}`));
    return out;
  };
  const looked = (uids: number[]): string[] =>
    uids.filter((u) => v.msnOf(u) !== 0).map((u) => `${v.msnOf(u)}:${u}:${v.meta(u)?.flags.join(',')}:${v.isRecent(u)}`);
  const check = (): void => {
    const all = v.resolve(set([1, '*']), true);
    assert.deepEqual(walked(all), looked(all));
    const sparse = [1, 2, 7, 8, 9, 25, 39, 40, 41, 99];
    assert.deepEqual(walked(sparse), looked(sparse));
  };
  check(); // the shared numbering and metadata
  box.setFlags(8, ['\\Flagged']);
  v.noteOwnChanges([box.messages.get(8) as MessageMeta]);
  check(); // own flag changes over the shared metadata
  box.expunge(2);
  box.add(['\\Draft']);
  v.apply(box.changesSince(v.modseq));
  v.flush({ allowExpunge: true, rev2: false });
  check(); // own numbering after an expunge and a new message
  assert.deepEqual(walked([7, 41]).length, 2);
});

test('recentCount counts \\Recent messages the client knows of', () => {
  const box = new FakeMailbox();
  for (let i = 0; i < 5; i++) box.add();
  const v = openView(box, 4);
  assert.equal(v.recentCount, 2);
  box.add();
  v.apply(box.changesSince(v.modseq));
  v.claimRecent(6);
  assert.equal(v.recentCount, 2); // claimed but not announced yet
  v.flush({ allowExpunge: true, rev2: false });
  assert.equal(v.recentCount, 3);
  box.expunge(4);
  v.apply(box.changesSince(v.modseq));
  v.flush({ allowExpunge: true, rev2: false });
  assert.equal(v.recentCount, 2);
});

test('own changes right after the last pull move the view to their MODSEQ; after a gap they do not', () => {
  const box = new FakeMailbox();
  box.add();
  box.add();
  const v = openView(box);
  box.setFlags(1, ['\\Seen']);
  v.noteOwnChanges([box.messages.get(1) as MessageMeta]);
  assert.equal(v.modseq, box.modseq, 'nothing left to pull');
  box.setFlags(2, ['\\Flagged']); // another session's change
  box.setFlags(1, ['\\Seen', '\\Answered']); // then ours
  v.noteOwnChanges([box.messages.get(1) as MessageMeta]);
  assert.equal(v.modseq, box.modseq - 2, "the other session's change is still to pull");
  v.apply(box.changesSince(v.modseq));
  assert.deepEqual(v.flush({ allowExpunge: true, rev2: true }).map(text), ['2 FETCH (UID 2 FLAGS (\\Flagged))']);
});
