// The trace fields a delivery agent adds at final delivery: Return-Path (RFC 5321 §4.4, from MAIL
// FROM, "<>" for bounces) and Delivered-To (what Postfix's local(8) and Dovecot's LDA add; MTAs use it
// to detect mail loops).

/** Strips what could end a header line or confuse a parser; an address has neither. */
function clean(address: string): string {
  return address.replace(/[\r\n\0<>]/g, '').trim();
}

/** The trace fields, each ended by CRLF. sender null: no Return-Path (the sender is unknown). */
export function traceHeaders(sender: string | null, recipient: string): string {
  const lines: string[] = [];
  if (sender !== null) lines.push(`Return-Path: <${clean(sender)}>`);
  lines.push(`Delivered-To: ${clean(recipient)}`);
  return lines.map((l) => l + '\r\n').join('');
}

/** The message with the trace fields in front (a new buffer; the input is not changed). */
export function withTraceHeaders(bytes: Buffer, sender: string | null, recipient: string): Buffer {
  return Buffer.concat([Buffer.from(traceHeaders(sender, recipient), 'utf8'), bytes]);
}

/** Bare LF line ends (a message piped in from a Unix tool) become CRLF, as IMAP requires (RFC 9051
 *  §2.2.2 ... literal messages use CRLF). Lines already ended by CRLF are left alone. */
export function toCrlf(bytes: Buffer): Buffer {
  if (!bytes.includes(0x0a)) return bytes;
  let bare = 0;
  for (let i = 0; i < bytes.length; i++) if (bytes[i] === 0x0a && (i === 0 || bytes[i - 1] !== 0x0d)) bare++;
  if (bare === 0) return bytes;
  const out = Buffer.allocUnsafe(bytes.length + bare);
  let o = 0;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i] ?? 0;
    if (b === 0x0a && (i === 0 || bytes[i - 1] !== 0x0d)) out[o++] = 0x0d;
    out[o++] = b;
  }
  return out;
}
