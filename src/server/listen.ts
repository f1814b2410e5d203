// Binds one listener and turns the usual bind failures into a sentence that says what to do.
import type { AddressInfo, Server, Socket } from 'node:net';
import type { ListenAddress } from '../config/listen.js';

export class ListenError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ListenError';
  }
}

function explain(err: NodeJS.ErrnoException, address: string): string {
  switch (err.code) {
    case 'EADDRINUSE':
      return `Cannot listen on ${address}: the address is already in use (is another Postkeep or IMAP server running?)`;
    case 'EACCES':
      return `Cannot listen on ${address}: permission denied (ports below 1024 need CAP_NET_BIND_SERVICE, see README "Production")`;
    case 'EADDRNOTAVAIL':
      return `Cannot listen on ${address}: no network interface has this address`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `Cannot listen on ${address}: the host name does not resolve`;
    default:
      return `Cannot listen on ${address}: ${err.message}`;
  }
}

export function formatAddress(info: { address: string; port: number }): string {
  return info.address.includes(':') ? `[${info.address}]:${info.port}` : `${info.address}:${info.port}`;
}

/** Binds; every accepted socket gets TCP_NODELAY. Without it a reply written in two pieces waits
 *  for the client's delayed ACK (about 40 ms per command, measured in docs/BENCHMARKS.md). Set on
 *  the raw socket, so implicit TLS and STARTTLS keep it: the option lives on the file descriptor. */
export function listenOn(server: Server, address: ListenAddress): Promise<AddressInfo> {
  server.on('connection', (socket: Socket) => socket.setNoDelay(true));
  return new Promise((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException): void => reject(new ListenError(explain(err, formatAddress({ address: address.host, port: address.port }))));
    server.once('error', onError);
    server.listen({ host: address.host, port: address.port }, () => {
      server.off('error', onError);
      resolve(server.address() as AddressInfo);
    });
  });
}

/** Stops accepting; resolves once every connection of this listener has ended. */
export function closeListener(server: Server): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) return resolve();
    server.close(() => resolve());
  });
}
