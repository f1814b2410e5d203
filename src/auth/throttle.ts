// Brute-force brake for password logins, shared by IMAP, POP3 and SASL (DESIGN.md rule 3): every
// failure from an address or against a user name makes the next attempt wait longer, and past a
// threshold the address or name is refused for a while. Unknown and known users are counted alike,
// so the throttle never tells whether an account exists. The clock is injected for tests.

export interface ThrottleSettings {
  /** Wait before the attempt that follows the first failure; doubles with each further failure. */
  readonly baseDelayMs: number;
  /** The wait never grows beyond this. */
  readonly maxDelayMs: number;
  /** Failures against one user name before that name is refused for lockoutMs. */
  readonly lockoutUserFailures: number;
  /** Failures from one address (IPv6: its /64) before that address is refused for lockoutMs. */
  readonly lockoutIpFailures: number;
  /** How long a refusal lasts; failures older than this are forgotten too. */
  readonly lockoutMs: number;
}

export interface ThrottleClock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const realClock: ThrottleClock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

export type ThrottleVerdict = { readonly kind: 'allow'; readonly delayMs: number } | { readonly kind: 'locked'; readonly retryAfterMs: number };

interface Entry {
  failures: number;
  last: number;
  lockedUntil: number;
}

/** Password checks that may run at once from one address; more wait their turn, in arrival order.
 *  Eight keeps a guesser to eight scrypt verifications in flight while a NAT's simultaneous logins
 *  still pass. */
export const MAX_PARALLEL_CHECKS = 8;

/** Entries kept at most per table; the oldest go first (memory stays bounded under a spray of names). */
const MAX_ENTRIES = 100_000;

export class LoginThrottle {
  private readonly ips = new Map<string, Entry>();
  private readonly users = new Map<string, Entry>();
  /** Password checks running now, per address key (entries exist only while one runs). */
  private readonly inFlight = new Map<string, number>();
  /** Checks waiting for a turn, per address key, oldest first (entries exist only while one waits). */
  private readonly waiting = new Map<string, Array<() => void>>();

  constructor(
    readonly settings: ThrottleSettings,
    readonly clock: ThrottleClock = realClock,
  ) {}

  /** What an attempt from `ip` as `user` may do now. */
  verdict(ip: string, user: string): ThrottleVerdict {
    const now = this.clock.now();
    const a = this.entry(this.ips, ipKey(ip), now);
    const b = this.entry(this.users, userKey(user), now);
    const lockedUntil = Math.max(a?.lockedUntil ?? 0, b?.lockedUntil ?? 0);
    if (lockedUntil > now) return { kind: 'locked', retryAfterMs: lockedUntil - now };
    const failures = Math.max(a?.failures ?? 0, b?.failures ?? 0);
    return { kind: 'allow', delayMs: this.delayFor(failures) };
  }

  /** An attempt starts its password check. False when MAX_PARALLEL_CHECKS from this address are
   *  already running: the caller waits and asks again. Counting attempts in flight apart from
   *  failures keeps parallel guesses bounded without treating a burst of correct logins from one
   *  address (users behind one NAT, a client opening several connections) as failures. */
  begin(ip: string): boolean {
    const key = ipKey(ip);
    const running = this.inFlight.get(key) ?? 0;
    if (running >= MAX_PARALLEL_CHECKS || this.waiting.has(key)) return false;
    this.inFlight.set(key, running + 1);
    return true;
  }

  /** Resolves when this attempt may start its password check: at once if a turn is free, otherwise
   *  when a running check ends and every attempt that waited longer has had its turn. (Until part 7
   *  of docs/BENCHMARKS.md waiters polled every 25 ms and a newcomer could take the freed turn: with
   *  20 logins at once from one address, one waited 6 s while the median took 1.5 s.) */
  turn(ip: string): Promise<void> {
    if (this.begin(ip)) return Promise.resolve();
    const key = ipKey(ip);
    return new Promise((resolve) => {
      const queue = this.waiting.get(key);
      if (queue) queue.push(resolve);
      else this.waiting.set(key, [resolve]);
    });
  }

  /** The password was wrong (or the user unknown: counted alike). */
  failed(ip: string, user: string): void {
    this.end(ip);
    const now = this.clock.now();
    this.bump(this.ips, ipKey(ip), now, this.settings.lockoutIpFailures);
    this.bump(this.users, userKey(user), now, this.settings.lockoutUserFailures);
  }

  /** The password was right: the user's count is cleared (the address keeps its failures until they expire). */
  succeeded(ip: string, user: string): void {
    this.end(ip);
    this.users.delete(userKey(user));
  }

  private end(ip: string): void {
    const key = ipKey(ip);
    const queue = this.waiting.get(key);
    const next = queue?.shift();
    if (next) {
      // The turn passes straight to the oldest waiter: the count of checks running stays the same.
      if (queue?.length === 0) this.waiting.delete(key);
      next();
      return;
    }
    const running = (this.inFlight.get(key) ?? 0) - 1;
    if (running > 0) this.inFlight.set(key, running);
    else this.inFlight.delete(key);
  }

  delayFor(failures: number): number {
    if (failures <= 0) return 0;
    const { baseDelayMs, maxDelayMs } = this.settings;
    return Math.min(maxDelayMs, baseDelayMs * 2 ** Math.min(failures - 1, 30));
  }

  get size(): number {
    return this.ips.size + this.users.size;
  }

  private entry(table: Map<string, Entry>, key: string, now: number): Entry | undefined {
    const e = table.get(key);
    if (e && e.lockedUntil <= now && now - e.last >= this.settings.lockoutMs) {
      table.delete(key);
      return undefined;
    }
    return e;
  }

  private bump(table: Map<string, Entry>, key: string, now: number, threshold: number): void {
    let e = this.entry(table, key, now);
    if (e && e.lockedUntil !== 0 && e.lockedUntil <= now) e = undefined; // a served lockout starts afresh
    if (!e) e = { failures: 0, last: now, lockedUntil: 0 };
    table.delete(key); // re-insert: the Map's order is the eviction order
    e.failures += 1;
    e.last = now;
    if (e.failures >= threshold) e.lockedUntil = now + this.settings.lockoutMs;
    table.set(key, e);
    if (table.size > MAX_ENTRIES) {
      const oldest = table.keys().next();
      if (!oldest.done) table.delete(oldest.value);
    }
  }
}

/** User names are compared case-insensitively and cut to a bounded length. */
function userKey(user: string): string {
  return user.normalize('NFC').toLowerCase().slice(0, 256);
}

/** IPv4 as is (also when IPv4-mapped), IPv6 by its /64: one host owns a whole /64. */
export function ipKey(ip: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (mapped) return mapped[1] as string;
  if (!ip.includes(':')) return ip;
  const [head = '', tail] = ip.split('::', 2);
  const left = head === '' ? [] : head.split(':');
  const right = tail === undefined || tail === '' ? [] : tail.split(':');
  const groups = tail === undefined ? left : [...left, ...Array<string>(Math.max(0, 8 - left.length - right.length)).fill('0'), ...right];
  return `${groups
    .slice(0, 4)
    .map((g) => (g.replace(/^0+/, '') || '0').toLowerCase())
    .join(':')}::/64`;
}
