// Values the response writer can send (RFC 9051 §4). Strings are sent quoted when they can be
// and as literals otherwise (CR, LF, NUL, 8-bit text when UTF-8 is not enabled, or long values);
// Atom is sent as it is; Literal always as a literal; null as NIL; arrays as parenthesized lists.
import type { Readable } from 'node:stream';

export class Atom {
  constructor(readonly value: string) {}
}

export class Literal {
  /** binary: send as ~{n} (RFC 3516 §4.2), for BINARY[] content with NULs. */
  constructor(
    readonly bytes: Buffer,
    readonly binary = false,
  ) {}
}

/** A literal whose bytes come from a stream (large bodies): size known ahead, bytes streamed with back-pressure. */
export class StreamLiteral {
  constructor(
    readonly size: number,
    readonly open: () => Readable,
    readonly binary = false,
  ) {}
}

/** Items written one after another with no space and no parentheses: the grammar's `1*body` in a
 *  multipart BODYSTRUCTURE and `"(" 1*address ")"` in an ENVELOPE have no separator (RFC 9051 §9). */
export class Concat {
  constructor(readonly items: readonly ImapData[]) {}
}

/** Response text already serialized by the caller, sent byte for byte. For bulk responses (FETCH
 *  FLAGS of a whole mailbox): many lines built in one string instead of one value tree each. The
 *  caller owns the framing: it may hold "\r\n* " between responses, never a partial literal. */
export class Preformatted {
  constructor(readonly text: string) {}
}

export type ImapData = null | number | string | Atom | Literal | StreamLiteral | Concat | Preformatted | readonly ImapData[];
