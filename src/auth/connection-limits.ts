// Open connections per remote address and per logged-in user, shared by IMAP and POP3 (DESIGN.md
// rule 3: connections are bounded too). 0 means no limit.
import { ipKey } from './throttle.js';

/** Gives the slot back; calling it twice is harmless. */
export type Release = () => void;

export class ConnectionLimiter {
  private readonly ips = new Map<string, number>();
  private readonly users = new Map<string, number>();

  constructor(
    readonly maxPerIp: number,
    readonly maxPerUser: number,
  ) {}

  /** A slot for one more connection from `ip`, or null when it already has maxPerIp. */
  openIp(ip: string): Release | null {
    return take(this.ips, ipKey(ip), this.maxPerIp);
  }

  /** A slot for one more session of `login`, or null when it already has maxPerUser. */
  openUser(login: string): Release | null {
    return take(this.users, login.toLowerCase(), this.maxPerUser);
  }

  countIp(ip: string): number {
    return this.ips.get(ipKey(ip)) ?? 0;
  }

  countUser(login: string): number {
    return this.users.get(login.toLowerCase()) ?? 0;
  }
}

function take(table: Map<string, number>, key: string, max: number): Release | null {
  const n = table.get(key) ?? 0;
  if (max > 0 && n >= max) return null;
  table.set(key, n + 1);
  let released = false;
  return () => {
    if (released) return;
    released = true;
    const left = (table.get(key) ?? 1) - 1;
    if (left <= 0) table.delete(key);
    else table.set(key, left);
  };
}
