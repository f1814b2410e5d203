// [lmtp]: the LMTP listener (RFC 2033) through which an MTA hands Postkeep new mail.
import { parseListenAddress } from './listen.js';
import { show, type TableReader } from './reader.js';

export interface LmtpConfig {
  /** "host:port" listeners; empty: no LMTP. No authentication: loopback or a trusted network only. */
  readonly listen: readonly string[];
  /** Domains (lowercase) whose addresses are local; empty: any domain, the local part decides. */
  readonly localDomains: readonly string[];
  /** Characters that start an address extension ("alice+lists"); empty: no extensions. */
  readonly recipientDelimiter: string;
  /** Deliver alice+lists@ into the mailbox "lists" when it exists (else INBOX). */
  readonly plusToMailbox: boolean;
  /** Largest message accepted (552 5.3.4 above it). */
  readonly maxMessageBytes: number;
}

export const lmtpKeys: readonly string[] = ['listen', 'local_domains', 'recipient_delimiter', 'plus_to_mailbox', 'max_message_bytes'];

const DOMAIN = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/;

export function defaultLmtp(maxMessageBytes: number): LmtpConfig {
  return { listen: ['127.0.0.1:2424'], localDomains: [], recipientDelimiter: '+', plusToMailbox: false, maxMessageBytes };
}

/** @param imapMaxMessageBytes the default for max_message_bytes: what APPEND accepts. */
export function readLmtp(reader: TableReader, imapMaxMessageBytes: number): LmtpConfig {
  reader.checkKeys(lmtpKeys);
  const defaults = defaultLmtp(imapMaxMessageBytes);
  const listen = reader.stringArray('listen', defaults.listen, (item) =>
    parseListenAddress(item) === null ? `${show(item)} is not host:port (e.g. "127.0.0.1:2424" or "[::1]:2424")` : null,
  );
  const localDomains = reader
    .stringArray('local_domains', defaults.localDomains, (item) =>
      DOMAIN.test(item.toLowerCase()) ? null : `${show(item)} is not a domain name (e.g. "example.org")`,
    )
    .map((d) => d.toLowerCase());
  let recipientDelimiter = defaults.recipientDelimiter;
  if (reader.has('recipient_delimiter')) {
    const value = reader.raw('recipient_delimiter');
    // "@" would split the domain; control characters and spaces never occur in a local part.
    if (typeof value !== 'string' || /[@\s\x00-\x1f\x7f]/.test(value)) {
      reader.fail(reader.keyPath('recipient_delimiter'), `expected a string of delimiter characters such as "+" or "+-" ("" for none), got ${show(value)}`);
    }
    recipientDelimiter = value;
  }
  return {
    listen,
    localDomains,
    recipientDelimiter,
    plusToMailbox: reader.boolean('plus_to_mailbox', defaults.plusToMailbox),
    maxMessageBytes: reader.integer('max_message_bytes', defaults.maxMessageBytes, 1024, 'smaller than any real message'),
  };
}
