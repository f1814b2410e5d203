// The LISTEN side of cross-node change notification (DESIGN.md "Sessions see changes through the
// store"). One dedicated connection per store, outside the pool: a pooled client would be handed to
// queries and lose its LISTEN. When the connection drops, notifications sent meanwhile are lost, so
// after reconnecting (with backoff) the store tells every mailbox its sessions look at to re-check
// (onReconnect); sessions then ask changesSince and catch up.
import pg from 'pg';
import { CHANNEL, PG_TYPES } from './context.js';

export interface ListenerOptions {
  readonly connectionString: string;
  /** A notification from another node: its mailbox id and modseq. */
  readonly onChange: (node: string, mailboxId: number, modseq: number) => void;
  /** After a lost connection was re-established (not after the first connect). */
  readonly onReconnect: () => void;
  /** A connection problem, for the log. */
  readonly onProblem?: (err: Error, retryInMs: number) => void;
}

const FIRST_RETRY_MS = 100;
const MAX_RETRY_MS = 5000;

export class NotificationListener {
  private client: pg.Client | null = null;
  private closed = false;
  private timer: NodeJS.Timeout | null = null;
  private retryMs = FIRST_RETRY_MS;
  /** Times the connection was re-established (tests watch it). */
  reconnects = 0;

  constructor(private readonly options: ListenerOptions) {}

  /** Connects and LISTENs; rejects when the first connection fails (the store does not open). */
  async start(): Promise<void> {
    await this.connect();
  }

  private async connect(): Promise<void> {
    const client = new pg.Client({ connectionString: this.options.connectionString, types: PG_TYPES, application_name: 'postkeep-listen' });
    client.on('notification', (msg) => {
      if (msg.channel !== CHANNEL || msg.payload === undefined) return;
      const [node, id, modseq] = msg.payload.split(' ');
      const mailboxId = Number(id);
      const value = Number(modseq);
      if (node !== undefined && Number.isSafeInteger(mailboxId) && Number.isSafeInteger(value)) this.options.onChange(node, mailboxId, value);
    });
    // 'error' and 'end' both mean the connection is gone; retry once per client.
    let lost = false;
    const onLost = (err: Error): void => {
      if (lost || this.closed) return;
      lost = true;
      this.client = null;
      client.end().catch(() => undefined);
      this.retry(err);
    };
    client.on('error', onLost);
    client.on('end', () => onLost(new Error('the LISTEN connection ended')));
    try {
      await client.connect();
      await client.query(`LISTEN ${CHANNEL}`);
    } catch (err) {
      lost = true;
      client.end().catch(() => undefined);
      throw err;
    }
    if (this.closed) {
      await client.end().catch(() => undefined);
      return;
    }
    this.client = client;
    this.retryMs = FIRST_RETRY_MS;
  }

  private retry(err: Error): void {
    if (this.closed || this.timer) return;
    const delay = this.retryMs;
    this.retryMs = Math.min(MAX_RETRY_MS, this.retryMs * 2);
    this.options.onProblem?.(err, delay);
    this.timer = setTimeout(() => {
      this.timer = null;
      this.connect().then(
        () => {
          if (this.closed) return;
          this.reconnects++;
          this.options.onReconnect();
        },
        (e: unknown) => this.retry(e instanceof Error ? e : new Error(String(e))),
      );
    }, delay);
    this.timer.unref();
  }

  get connected(): boolean {
    return this.client !== null;
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const client = this.client;
    this.client = null;
    if (client) await client.end().catch(() => undefined);
  }
}
