// CAPA (RFC 2449 §5). The list does not depend on the state: RFC 2449 §6 has capabilities of the
// AUTHORIZATION state announced in both states. It does depend on the connection: STLS only on an
// unencrypted one (RFC 2595 §4), USER, PLAIN and LOGIN only where a password may be sent in clear.
// SCRAM-SHA-256 never sends the password, so it is offered on every connection (as in IMAP).
export function saslMechanisms(plaintextAuthAllowed: boolean): string[] {
  return plaintextAuthAllowed ? ['PLAIN', 'LOGIN', 'SCRAM-SHA-256'] : ['SCRAM-SHA-256'];
}

export function capabilityLines(o: { readonly secure: boolean; readonly plaintextAuthAllowed: boolean }): string[] {
  const caps = ['TOP', 'UIDL', 'RESP-CODES', 'AUTH-RESP-CODE', 'PIPELINING'];
  if (o.plaintextAuthAllowed) caps.push('USER');
  caps.push(`SASL ${saslMechanisms(o.plaintextAuthAllowed).join(' ')}`);
  if (!o.secure) caps.push('STLS');
  // RFC 2449 §6.7: Postkeep never deletes mail on its own.
  caps.push('EXPIRE NEVER', 'IMPLEMENTATION Postkeep');
  return caps;
}
