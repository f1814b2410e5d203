// What the scenarios see of a server under test, and what both servers are seeded with.
import type { Endpoint } from './load/imap-client.js';

export interface AccountPlan {
  readonly login: string;
  readonly password: string;
  /** A cheap password hash (for scenarios that open thousands of sessions, where hashing is not
   *  what is measured); otherwise each server's default-strength hash. */
  readonly cheapHash: boolean;
  /** INBOX gets seededMessage(1..inbox). */
  readonly inbox: number;
}

export interface SeedPlan {
  readonly accounts: readonly AccountPlan[];
}

export interface RunningTarget {
  readonly name: string;
  readonly imap: Endpoint;
  /** null when this server has no LMTP listener (yet). */
  readonly lmtp: Endpoint | null;
  /** Every process of the server right now (for RSS/PSS). */
  pids(): number[];
  stop(): Promise<void>;
}

export interface StartOptions {
  /** Write a V8 CPU profile of the server into this directory (Postkeep only). */
  readonly cpuProfileDir?: string;
  /** Dovecot only: mail_fsync value. */
  readonly fsync?: 'optimized' | 'always';
  /** Expected number of simultaneous connections (limits are raised to fit). */
  readonly maxConnections: number;
}

/** postkeep: the embedded store; postkeep-pg: the PostgreSQL store; dovecot: the reference. */
export type ServerName = 'postkeep' | 'postkeep-pg' | 'dovecot';

export interface ServerKind {
  readonly name: ServerName;
  /** Writes the plan's accounts and mail into a fresh directory; returns seconds taken. */
  seed(dir: string, plan: SeedPlan, log: (line: string) => void): Promise<number>;
  start(dir: string, options: StartOptions): Promise<RunningTarget>;
  /** After the server stopped (or seeding failed): release what seed() made outside dir (a database). */
  cleanup?(dir: string): Promise<void>;
  version(): Promise<string>;
}
