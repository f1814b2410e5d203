// THE one delivery path (DESIGN.md): LMTP, `postkeep deliver` and import all put mail into a
// mailbox through deliverMessage. It resolves when the message is durable (Store.appendMessage
// fsyncs the bytes and commits the metadata first), so a caller may acknowledge then (rule 1).
import { DELIMITER, validMailboxName } from '../store/names.js';
import { StoreError, type AppendResult, type Store } from '../store/types.js';

export interface DeliveryTarget {
  readonly accountId: number;
  /** UTF-8 mailbox name, "/" as the delimiter; "INBOX" by default. */
  readonly mailbox: string;
}

export interface DeliverOptions {
  readonly flags?: readonly string[];
  /** INTERNALDATE, ms since the epoch; now when absent. */
  readonly internalDate?: number;
  /** Create the mailbox (with its parents) if it is missing, for import. */
  readonly createMailbox?: boolean;
  /** Refuse messages larger than this many bytes with kind 'toobig'. */
  readonly maxBytes?: number;
  /** Deliver even past the account's quota (an administrator's import); default false. */
  readonly ignoreQuota?: boolean;
}

/** Why a delivery failed, in the terms an MTA understands (LMTP reply, sysexits code). */
export type DeliveryErrorKind = 'nomailbox' | 'overquota' | 'toobig' | 'temporary';

export class DeliveryError extends Error {
  constructor(
    readonly kind: DeliveryErrorKind,
    message: string,
    /** For 'overquota': true when the message alone is larger than the whole quota (permanent, 5.2.2). */
    readonly permanent = false,
  ) {
    super(message);
    this.name = 'DeliveryError';
  }
}

export async function deliverMessage(
  store: Store,
  target: DeliveryTarget,
  bytes: Buffer,
  options: DeliverOptions = {},
): Promise<AppendResult> {
  if (options.maxBytes !== undefined && bytes.length > options.maxBytes) {
    throw new DeliveryError('toobig', `Message is ${bytes.length} bytes, the limit is ${options.maxBytes}`);
  }
  try {
    const enforceQuota = options.ignoreQuota !== true;
    if (enforceQuota) await refuseIfNeverFits(store, target.accountId, bytes.length);
    const mailbox = await findMailbox(store, target, options.createMailbox === true);
    const input = { bytes, flags: options.flags ?? [], enforceQuota };
    return await store.appendMessage(
      mailbox.id,
      options.internalDate === undefined ? input : { ...input, internalDate: options.internalDate },
    );
  } catch (err) {
    throw toDeliveryError(err);
  }
}

/** A message larger than the whole quota will never fit, however much the user deletes: say so
 *  permanently (RFC 3463 5.2.2) instead of letting the MTA retry for days (4.2.2). */
async function refuseIfNeverFits(store: Store, accountId: number, size: number): Promise<void> {
  const quota = await store.getQuota(accountId);
  if (quota.storageLimit !== null && size > quota.storageLimit) {
    throw new DeliveryError('overquota', `The message (${size} bytes) is larger than the whole quota (${quota.storageLimit} bytes)`, true);
  }
  if (quota.messageLimit === 0) throw new DeliveryError('overquota', 'The mailbox quota allows no messages', true);
}

async function findMailbox(store: Store, target: DeliveryTarget, create: boolean) {
  const name = validMailboxName(target.mailbox === '' ? 'INBOX' : target.mailbox);
  const existing = await store.getMailbox(target.accountId, name);
  if (existing !== null) return existing;
  if (!create) throw new DeliveryError('nomailbox', `No mailbox "${name}"`);
  const parts = name.split(DELIMITER);
  for (let i = 1; i <= parts.length; i++) {
    const prefix = parts.slice(0, i).join(DELIMITER);
    if ((await store.getMailbox(target.accountId, prefix)) !== null) continue;
    try {
      await store.createMailbox(target.accountId, prefix);
    } catch (err) {
      // Another delivery may have created it in between.
      if (!(err instanceof StoreError && err.code === 'ALREADYEXISTS')) throw err;
    }
  }
  const created = await store.getMailbox(target.accountId, name);
  if (created === null) throw new DeliveryError('nomailbox', `Could not create mailbox "${name}"`);
  return created;
}

function toDeliveryError(err: unknown): DeliveryError {
  if (err instanceof DeliveryError) return err;
  if (err instanceof StoreError) {
    switch (err.code) {
      case 'OVERQUOTA':
        return new DeliveryError('overquota', err.message);
      case 'TOOBIG':
        return new DeliveryError('toobig', err.message);
      case 'NONEXISTENT':
      case 'CANNOT':
      case 'LIMIT':
        return new DeliveryError('nomailbox', err.message);
      default:
        return new DeliveryError('temporary', err.message);
    }
  }
  // Disk full, I/O error, database busy: the MTA keeps the message and tries again.
  return new DeliveryError('temporary', err instanceof Error ? err.message : String(err));
}
