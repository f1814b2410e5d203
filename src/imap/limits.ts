// Every size cap and timeout of the IMAP layer, with why that number (DESIGN.md rule 3).
export interface Limits {
  /** Longest command line without its literals. RFC 9051 §4 sets no limit; RFC 7162 §4 asks servers to
   *  accept at least 8192 octets. 64 KiB holds a huge UID set from a client that syncs a big mailbox. */
  readonly maxLineBytes: number;
  /** Largest APPEND literal (also advertised as APPENDLIMIT). 50 MiB: above what any mail relay takes. */
  readonly maxMessageBytes: number;
  /** Sum of the message literals of one APPEND (MULTIAPPEND, RFC 3502 sends several). The whole batch is
   *  held in memory until its one commit, so this caps what one connection can make us hold: 100 MiB is
   *  two messages at maxMessageBytes, or thousands of ordinary ones. Past it: NO [LIMIT]. */
  readonly maxMultiAppendBytes: number;
  /** Largest non-APPEND literal (a password, a search string): small, because it is held in memory. */
  readonly maxSmallLiteralBytes: number;
  /** Sum of all literals of one command except APPEND's message. */
  readonly maxCommandBytes: number;
  /** Deepest parenthesis nesting in a command (SEARCH keys, FETCH lists). */
  readonly maxNesting: number;
  /** Unread client bytes held while a command runs (pipelined commands wait in it); past this the
   *  socket is paused until the session catches up (back-pressure, no error). Commands run one at
   *  a time, so this byte count is what bounds pipelining. */
  readonly maxReadAheadBytes: number;
  /** Bytes queued for a slow reader before we stop producing more. */
  readonly maxOutputBufferBytes: number;
  /** RFC 9051 §5.4: at least 30 minutes of inactivity once authenticated. */
  readonly idleTimeoutAuthenticatedMs: number;
  /** Before login a silent peer is dropped sooner. */
  readonly idleTimeoutUnauthenticatedMs: number;
  /** Failed LOGIN/AUTHENTICATE tries before the connection is closed. */
  readonly maxAuthFailures: number;
  /** Open connections from one address (IPv6: one /64), IMAP and POP3 together; 0: no limit.
   *  Enough for a household or small office behind one NAT address; a flood from one host is cut. */
  readonly maxConnectionsPerIp: number;
  /** Logged-in sessions of one user, IMAP and POP3 together; 0: no limit. A client opens a few per device. */
  readonly maxConnectionsPerUser: number;
  /** Wait before the attempt after a failed login (from that address or for that name); doubles per failure. */
  readonly loginFailureDelayMs: number;
  /** The growing wait stops here: long enough to make guessing slow, short enough for a typo. */
  readonly loginFailureMaxDelayMs: number;
  /** Failures against one user name (from anywhere) before it is refused for loginLockoutMs. */
  readonly loginLockoutUserFailures: number;
  /** Failures from one address before it is refused for loginLockoutMs (higher: NAT hides many users). */
  readonly loginLockoutIpFailures: number;
  /** How long a refusal lasts, and how long failures are remembered. */
  readonly loginLockoutMs: number;
}

export const defaultLimits: Limits = {
  maxLineBytes: 64 * 1024,
  maxMessageBytes: 50 * 1024 * 1024,
  maxMultiAppendBytes: 100 * 1024 * 1024,
  maxSmallLiteralBytes: 64 * 1024,
  maxCommandBytes: 1024 * 1024,
  maxNesting: 64,
  // One longest line plus room for many small pipelined commands (a FETCH burst from a syncing client).
  maxReadAheadBytes: 128 * 1024,
  maxOutputBufferBytes: 4 * 1024 * 1024,
  idleTimeoutAuthenticatedMs: 30 * 60 * 1000,
  idleTimeoutUnauthenticatedMs: 60 * 1000,
  maxAuthFailures: 3,
  maxConnectionsPerIp: 100,
  maxConnectionsPerUser: 50,
  loginFailureDelayMs: 250,
  loginFailureMaxDelayMs: 8000,
  loginLockoutUserFailures: 10,
  loginLockoutIpFailures: 30,
  loginLockoutMs: 15 * 60 * 1000,
};
