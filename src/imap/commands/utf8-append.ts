// UTF8=ACCEPT and APPEND (RFC 6855 §4): which message headers a session may append.
import type { CommandContext } from './types.js';
import { ImapError } from './types.js';

/** True when the header (everything before the first empty line) holds an octet above 0x7f. */
export function headerHas8Bit(bytes: Buffer): boolean {
  let end = bytes.indexOf('\r\n\r\n');
  if (end < 0) end = bytes.indexOf('\n\n');
  if (end < 0) end = bytes.length;
  for (let i = 0; i < end; i++) if ((bytes[i] as number) >= 0x80) return true;
  return false;
}

/**
 * RFC 6855 §4: the `UTF8 (~{n})` form belongs to clients that sent ENABLE UTF8=ACCEPT (BAD otherwise);
 * a client that enabled neither UTF8=ACCEPT nor IMAP4rev2 (RFC 9051 §5.1 and Appendix E item 16 allow
 * UTF-8 headers) gets NO for a message with 8-bit header octets.
 */
export function checkAppendHeaders(ctx: CommandContext, message: { readonly bytes: Buffer; readonly utf8: boolean }): void {
  const accepted = ctx.enabled.has('UTF8=ACCEPT');
  if (message.utf8 && !accepted) throw new ImapError('BAD', null, 'APPEND UTF8 (...) needs ENABLE UTF8=ACCEPT first (RFC 6855 section 4)');
  if (!accepted && !ctx.rev2 && headerHas8Bit(message.bytes)) {
    throw new ImapError('NO', null, 'The message header has 8-bit characters: ENABLE UTF8=ACCEPT and send it as UTF8 (~{n}) (RFC 6855 section 4)');
  }
}
