// What POP3 command handlers see of their session (RFC 1939 §3 states), and how they fail.
import type { LoginGuard } from '../auth/login-guard.js';
import type { Logger } from 'pino';
import type { Account, Store } from '../store/types.js';
import type { Maildrop } from './maildrop.js';
import type { Pop3Writer, RespCode } from './writer.js';

export type Pop3State =
  | { readonly kind: 'authorization'; readonly user: string | null }
  | { readonly kind: 'transaction'; readonly account: Account; readonly drop: Maildrop }
  | { readonly kind: 'update' };

export type StateKind = Pop3State['kind'];

/** A command's failure: the session answers `-ERR [code] text` and carries on. */
export class Pop3Error extends Error {
  constructor(
    readonly code: RespCode | null,
    text: string,
  ) {
    super(text);
    this.name = 'Pop3Error';
  }
}

/** The response can no longer be completed (an error in the middle of a multi-line answer): the
 *  session closes the connection without another word. */
export class Pop3Abort extends Error {
  constructor(message: string, options?: { cause: unknown }) {
    super(message, options);
    this.name = 'Pop3Abort';
  }
}

export interface Pop3Context {
  readonly store: Store;
  readonly logger: Logger;
  readonly writer: Pop3Writer;
  readonly state: Pop3State;
  setState(state: Pop3State): void;
  readonly secure: boolean;
  readonly plaintextAuthAllowed: boolean;
  /** CAPA lines (RFC 2449 §5). */
  capabilities(): string[];
  /** The next raw line from the client (SASL responses), or null when the connection ended. */
  readLine(): Promise<string | null>;
  /** Counts a failed authentication; true when this was the last one allowed (the session closes). */
  authFailed(): boolean;
  /** Brute-force throttle and per-user connection limit around a password check (src/auth/login-guard.ts). */
  readonly loginGuard: LoginGuard;
  /** After the +OK of STLS: TLS on the same socket, plaintext read ahead dropped (RFC 2595 §4). */
  startTls(): void;
  /** Learns what other sessions expunged from the maildrop since the last look. */
  refresh(): Promise<void>;
  /** Close the connection once the current answer is out. */
  closeAfterReply(): void;
}

export interface Pop3Command {
  /** States in which the command is valid (RFC 1939 §3). */
  readonly states: readonly StateKind[];
  /** `args` are the words after the keyword; `rest` is everything after "KEYWORD " verbatim (PASS). */
  run(args: readonly string[], rest: string, ctx: Pop3Context): Promise<void>;
}
