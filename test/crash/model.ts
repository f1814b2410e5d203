// What the clients of the crash test were told: every acknowledged message (bytes, flags), every
// acknowledged expunge, and the operations still in flight when the server was killed (their outcome
// is unknown: either is fine, but only those may be uncertain).
import { createHash } from 'node:crypto';

export interface KnownMessage {
  readonly bytes: Buffer;
  /** Acknowledged flags (sorted); null while an unacknowledged STORE may or may not have landed. */
  flags: string[] | null;
  /** An unacknowledged expunge: the message may be gone. */
  maybeGone: boolean;
}

export const sha256 = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

export class Model {
  readonly boxes = new Map<string, Map<number, KnownMessage>>();
  /** Acknowledged expunges: UID -> how we know (for failure messages). */
  readonly expunged = new Map<string, Map<number, string>>();
  /** sha256 of every message content ever sent (acknowledged or not). */
  readonly sent = new Set<string>();
  /** Acknowledgements counted, for the report. */
  acks = { append: 0, lmtp: 0, store: 0, copy: 0, expunge: 0 };

  box(name: string): Map<number, KnownMessage> {
    let box = this.boxes.get(name);
    if (!box) this.boxes.set(name, (box = new Map()));
    return box;
  }

  gone(name: string): Map<number, string> {
    let map = this.expunged.get(name);
    if (!map) this.expunged.set(name, (map = new Map()));
    return map;
  }

  /** A new message acknowledged (APPENDUID, LMTP 250 with its UID, COPYUID). */
  added(name: string, uid: number, bytes: Buffer, flags: string[] | null): void {
    const box = this.box(name);
    if (box.has(uid)) throw new Error(`${name} UID ${uid} acknowledged twice`);
    if (this.gone(name).has(uid)) throw new Error(`${name} UID ${uid} reused after its expunge was acknowledged`);
    box.set(uid, { bytes, flags: flags === null ? null : [...flags].sort(), maybeGone: false });
  }

  /** Message UIDs a mutating client may pick (present for sure). */
  present(name: string): number[] {
    return [...this.box(name)].filter(([, m]) => !m.maybeGone).map(([uid]) => uid);
  }
}

/** A deterministic PRNG (mulberry32), so that a seed names a run. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const CHARS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 ';

/** A unique message of 200 B to ~24 KB. */
export function makeMessage(rand: () => number, id: string): Buffer {
  const lines = [`From: load@example.org`, `To: alice@example.org`, `Subject: crash load ${id}`, `Message-ID: <${id}@crash.example.org>`, ''];
  const n = 2 + Math.floor(rand() * rand() * 300);
  for (let i = 0; i < n; i++) {
    let line = '';
    const len = 20 + Math.floor(rand() * 58);
    for (let j = 0; j < len; j++) line += CHARS[Math.floor(rand() * CHARS.length)];
    lines.push(line.trim() === '' ? 'x' : `x${line}`);
  }
  return Buffer.from(lines.join('\r\n') + '\r\n');
}
