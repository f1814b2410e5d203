// The contract between the session (src/imap/session.ts) and the command modules (one file per
// command family in this folder). Commands are data (DESIGN.md): the registry derives CAPABILITY
// from what is registered, and the session checks `states` before calling `run`.
import type { Command, CommandName } from '../wire/ast.js';
import type { ImapData } from '../wire/data.js';
import type { Account, Store } from '../../store/types.js';
import type { SelectedView } from '../selected.js';
import type { Limits } from '../limits.js';
import type { Logger } from 'pino';
import type { LoginGuard } from '../../auth/login-guard.js';

export type StateKind = 'notAuthenticated' | 'authenticated' | 'selected' | 'logout';

export type SessionState =
  | { readonly kind: 'notAuthenticated' }
  | { readonly kind: 'authenticated'; readonly account: Account }
  | { readonly kind: 'selected'; readonly account: Account; readonly view: SelectedView }
  | { readonly kind: 'logout' };

/** Response codes of RFC 9051 §7.1 and RFC 5530 (with their arguments when they take any). */
export type ResponseCode = string;

/** Thrown by a command to answer NO or BAD with a response code (DESIGN.md: one closed error hierarchy). */
export class ImapError extends Error {
  constructor(
    readonly status: 'NO' | 'BAD',
    readonly code: ResponseCode | null,
    message: string,
  ) {
    super(message);
    this.name = 'ImapError';
  }
}

/** What a command may do to the session and its connection. */
export interface CommandContext {
  readonly store: Store;
  readonly limits: Limits;
  readonly state: SessionState;
  setState(state: SessionState): void;
  /** Extensions turned on by ENABLE (upper-cased), e.g. IMAP4REV2, UTF8=ACCEPT, CONDSTORE. */
  readonly enabled: ReadonlySet<string>;
  /** True on TLS (implicit or after STARTTLS). */
  readonly secure: boolean;
  /** Mailbox name as the client sent it -> UTF-8 name (modified UTF-7 decoded unless UTF-8 is enabled). */
  decodeMailboxName(raw: string): string;
  /** UTF-8 name -> what this client expects on the wire. */
  encodeMailboxName(name: string): string;
  /** Untagged response: `* <parts joined by spaces>`. */
  untagged(...parts: ImapData[]): Promise<void>;
  /** Continuation request `+ text` (for AUTHENTICATE, IDLE). */
  continuation(text: string): Promise<void>;
  /** Reads one raw line from the client (AUTHENTICATE responses, IDLE's DONE); null at EOF. */
  readLine(): Promise<string | null>;

  // --- added by the session owner: what the command families need beyond the above ---
  readonly logger: Logger;
  /** IMAP4rev2 enabled (RFC 9051 Appendix E lists what changes). */
  readonly rev2: boolean;
  /** Turns an extension on (ENABLE); true when it was not on before. */
  enable(capability: string): boolean;
  /** The CAPABILITY list as it stands for this connection and state. */
  capabilities(): string[];
  /** Whether LOGIN/AUTHENTICATE PLAIN may be used here (TLS, or the configured plaintextAuth allows it). */
  readonly plaintextAuthAllowed: boolean;
  /** Counts a failed LOGIN/AUTHENTICATE; the session closes the connection after limits.maxAuthFailures. */
  authFailed(): void;
  /** Brute-force throttle and per-user connection limit around a password check (src/auth/login-guard.ts). */
  readonly loginGuard: LoginGuard;
  /** STARTTLS can be offered (plain connection and a certificate). */
  readonly starttlsAvailable: boolean;
  /** Wraps the socket in TLS (RFC 9051 §6.2.1); called after the tagged OK via afterTagged. */
  upgradeToTls(): Promise<void>;
  /** COMPRESS=DEFLATE is on (RFC 4978). */
  readonly compressed: boolean;
  /** Puts DEFLATE under the session (RFC 4978 §3); called after the tagged OK via afterTagged. */
  startCompression(): void;
  /** Runs after the tagged response is written (STARTTLS upgrades the socket there). */
  afterTagged(action: () => Promise<void> | void): void;
  /** Pulls the selected mailbox's changes from the store and sends them now. */
  refresh(options: { allowExpunge: boolean }): Promise<void>;
  /** IDLE: while on, store changes are pushed to the client as they happen (RFC 2177). */
  setIdling(on: boolean): void;
  /** UNAUTHENTICATE (RFC 8437 §3): back to not authenticated; ENABLEd extensions, the saved search
   *  result and the selected mailbox are forgotten (TLS and compression stay). */
  unauthenticate(): void;
  /** The logged-in user is in config [imap] admins: may SETQUOTA for anyone (RFC 9208 §4.1.3). */
  readonly isAdmin: boolean;
  /** SEARCHRES `$` (RFC 5182): the saved UIDs of the selected mailbox, or null. */
  savedSearch: number[] | null;
}

/** What `run` may return: the text (and code) of the tagged OK. Failures throw ImapError. */
export interface CommandResult {
  readonly code?: ResponseCode;
  readonly text?: string;
}

/** The AST of the commands named N (works for AST members that cover several names, e.g. DELETE). */
export type CommandOf<N extends CommandName> = Command & { readonly name: N };

export interface CommandModule<N extends CommandName = CommandName> {
  readonly names: readonly N[];
  readonly states: readonly StateKind[];
  /** RFC 9051 §7.5.1: no EXPUNGE may be sent while such a command runs, or right after it. */
  readonly usesSequenceNumbers: (cmd: CommandOf<N>) => boolean;
  /** Capabilities this module adds to CAPABILITY. */
  readonly capabilities?: readonly string[];
  run(cmd: CommandOf<N>, ctx: CommandContext): Promise<CommandResult | void>;
}
