// The LMTP listener (RFC 2033) on smtp-server in LMTP mode: an MTA connects, says LHLO, and hands
// over one message for many recipients; each recipient gets its own reply after DATA (§4.2).
// No authentication and no STARTTLS: the listener is for loopback or a trusted network only
// (docs/configuration.md [lmtp]).
import type { Server } from 'node:net';
import { hostname } from 'node:os';
import type { Logger } from 'pino';
import { SMTPServer, type SMTPServerDataStream, type SMTPServerSession } from 'smtp-server';
import type { LmtpConfig } from '../config/lmtp.js';
import { deliverMessage } from '../delivery/deliver.js';
import { resolveRecipient } from '../delivery/recipients.js';
import { withTraceHeaders } from '../delivery/trace-headers.js';
import type { Store } from '../store/types.js';
import { delivered, failed, reply, type Reply } from './replies.js';

export interface LmtpServiceOptions {
  readonly store: Store;
  readonly config: LmtpConfig;
  readonly logger: Logger;
  /** Name in the greeting; the host name by default. */
  readonly name?: string;
}

/** Reads the message, up to `limit` bytes; past it, the rest is drained (smtp-server answers 552 5.3.4). */
function readMessage(stream: SMTPServerDataStream, limit: number): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    stream.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) chunks.push(chunk);
      else chunks.length = 0;
    });
    stream.on('end', () => resolve(size > limit || stream.sizeExceeded ? null : Buffer.concat(chunks, size)));
    stream.on('error', reject);
  });
}

export class LmtpService {
  private readonly servers: SMTPServer[] = [];
  private readonly inFlight = new Set<Promise<unknown>>();

  constructor(private readonly options: LmtpServiceOptions) {}

  private create(): SMTPServer {
    const { config, logger } = this.options;
    const server = new SMTPServer({
      lmtp: true,
      name: this.options.name ?? hostname(),
      banner: 'Postkeep',
      authOptional: true,
      disabledCommands: ['AUTH', 'STARTTLS'],
      hideSTARTTLS: true,
      hideENHANCEDSTATUSCODES: false, // RFC 2034 codes (off by default in smtp-server)
      maxAllowedUnauthenticatedCommands: false,
      size: config.maxMessageBytes,
      rejectOversized: true,
      logger: false,
      onRcptTo: (address, session, callback) => {
        // smtp-server merges recipients that differ only in case, and would then send fewer replies
        // after DATA than RCPTs it accepted (RFC 2033 §4.2 wants one per accepted RCPT). Refuse the
        // second one for now: the MTA sends it again in a later transaction.
        const key = address.address.toLowerCase();
        if (session.envelope.rcptTo.some((r) => r.address.toLowerCase() === key)) {
          callback(reply(451, `<${address.address}> repeats an earlier recipient of this transaction, send it separately`));
          return;
        }
        // RFC 2033 §4.2: an unknown user is refused at RCPT TO, so it gets no reply after DATA.
        resolveRecipient(this.options.store, address.address, this.options.config).then(
          (found) => callback(found === null ? reply(550, `<${address.address}> no such user here`) : null),
          (err: unknown) => {
            logger.error({ err, rcpt: address.address }, 'LMTP recipient lookup failed');
            callback(reply(451, `<${address.address}> lookup failed, try again later`));
          },
        );
      },
      onData: (stream, session, callback) => {
        const work = this.deliver(stream, session).then(
          (replies) => callback(null, replies),
          (err: unknown) => {
            logger.error({ err }, 'LMTP delivery failed');
            callback(reply(451, 'local error, try again later'));
          },
        );
        this.track(work);
      },
    });
    server.on('error', (err) => logger.error({ err }, 'LMTP listener error'));
    return server;
  }

  private track(work: Promise<unknown>): void {
    this.inFlight.add(work);
    void work.finally(() => this.inFlight.delete(work));
  }

  /** One reply per accepted recipient, in RCPT TO order; each 250 only after that copy is durable. */
  private async deliver(stream: SMTPServerDataStream, session: SMTPServerSession): Promise<Reply[]> {
    const { store, config, logger } = this.options;
    const bytes = await readMessage(stream, config.maxMessageBytes);
    const recipients = session.envelope.rcptTo.map((r) => r.address);
    if (bytes === null) return recipients.map((r) => reply(552, `<${r}> message too big`)); // smtp-server sends 552 5.3.4
    const mailFrom = session.envelope.mailFrom;
    const sender = mailFrom === false ? '' : mailFrom.address;
    return Promise.all(
      recipients.map(async (rcpt) => {
        try {
          const target = await resolveRecipient(store, rcpt, config);
          if (target === null) return reply(550, `<${rcpt}> no such user here`);
          const result = await deliverMessage(store, { accountId: target.account.id, mailbox: target.mailbox }, withTraceHeaders(bytes, sender, rcpt));
          logger.info({ rcpt, login: target.account.login, mailbox: target.mailbox, uid: result.uid, size: bytes.length }, 'LMTP delivered');
          return delivered(rcpt, result.uid);
        } catch (err) {
          const answer = failed(rcpt, err);
          logger[answer.responseCode === 451 ? 'error' : 'info']({ rcpt, err }, `LMTP not delivered: ${answer.responseCode} ${answer.message}`);
          return answer;
        }
      }),
    );
  }

  /** A new listener (not yet listening: the caller binds it, as for IMAP). */
  createListener(): Server {
    const server = this.create();
    this.servers.push(server);
    return server.server;
  }

  /** Stops accepting, lets deliveries in progress finish (their replies are sent), then closes the
   *  remaining connections with 421. */
  async shutdown(): Promise<void> {
    const closing = this.servers.map(
      (server) =>
        new Promise<void>((resolve) => {
          if (!server.server.listening) return resolve();
          server.close(() => resolve());
        }),
    );
    await Promise.allSettled([...this.inFlight]);
    for (const server of this.servers) for (const connection of connectionsOf(server)) connection.close?.();
    await Promise.all(closing);
  }
}

/** smtp-server keeps its open connections in a Set without a public accessor. */
function connectionsOf(server: SMTPServer): Array<{ close?: () => void; send?: (code: number, text: string) => void }> {
  const set = (server as unknown as { connections?: Set<{ close?: () => void }> }).connections;
  return set === undefined ? [] : [...set];
}
