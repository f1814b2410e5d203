// TLS on the server side of a connection that is already open: an implicit-TLS listener's raw
// socket, or STARTTLS/STLS after the plaintext OK (RFC 9051 §6.2.1, RFC 2595 §4). One place for the
// socket options the IMAP and POP3 services share.
import type { Socket } from 'node:net';
import { TLSSocket, type SecureContext } from 'node:tls';

/** `onError` hears a failed handshake or a broken TLS stream; without a listener it would throw. */
export function serverTls(socket: Socket, secureContext: SecureContext, onError?: (err: Error) => void): TLSSocket {
  const secure = new TLSSocket(socket, { isServer: true, secureContext });
  if (onError) secure.on('error', onError);
  return secure;
}
