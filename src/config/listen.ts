// "host:port" and "[v6]:port" listen addresses.
import { isIPv6 } from 'node:net';

export interface ListenAddress {
  /** Without brackets: "127.0.0.1", "::1", "0.0.0.0", "mail.example.org". */
  readonly host: string;
  readonly port: number;
}

const HOSTNAME = /^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?$/;

/** The parsed address, or null when the text is not host:port with a port from 0 to 65535. */
export function parseListenAddress(text: string): ListenAddress | null {
  const bracketed = /^\[([^\]]+)\]:(\d{1,5})$/.exec(text);
  const plain = /^([^:[\]]+):(\d{1,5})$/.exec(text);
  const match = bracketed ?? plain;
  if (!match) return null;
  const host = match[1] ?? '';
  const port = Number(match[2]);
  if (port > 65535) return null;
  if (bracketed ? !isIPv6(host) : !HOSTNAME.test(host)) return null;
  return { host, port };
}
