// CAPA (RFC 2449 §5). The list does not depend on the state: RFC 2449 §6 has capabilities of the
// AUTHORIZATION state announced in both states. It does depend on the connection: STLS only on an
// unencrypted one (RFC 2595 §4), USER and SASL only where a password may be sent.
export const SASL_MECHANISMS = ['PLAIN', 'LOGIN'] as const;

export function capabilityLines(o: { readonly secure: boolean; readonly plaintextAuthAllowed: boolean }): string[] {
  const caps = ['TOP', 'UIDL', 'RESP-CODES', 'AUTH-RESP-CODE', 'PIPELINING'];
  if (o.plaintextAuthAllowed) caps.push('USER', `SASL ${SASL_MECHANISMS.join(' ')}`);
  if (!o.secure) caps.push('STLS');
  // RFC 2449 §6.7: Postkeep never deletes mail on its own.
  caps.push('EXPIRE NEVER', 'IMPLEMENTATION Postkeep');
  return caps;
}
