// Runs an import: every message of a source goes through deliverMessage (the one delivery path),
// one at a time, into mailboxes created as needed. Idempotent: before the first message into a
// mailbox, the sha256 of every message already there is collected, and a message with the same
// bytes is skipped, so running the same import twice adds nothing.
import { DeliveryError, deliverMessage } from '../delivery/deliver.js';
import { sha256Hex } from '../store/blobs/file-blobs.js';
import { DELIMITER } from '../store/names.js';
import { StoreError, type Store } from '../store/types.js';
import { cleanFlags } from './clean-flags.js';
import type { Progress } from './progress.js';
import type { ImportSource } from './source.js';

export interface ImportOptions {
  readonly store: Store;
  readonly accountId: number;
  readonly progress: Progress;
  /** Larger messages are skipped as too big (the server's APPEND limit). */
  readonly maxMessageBytes: number;
  /** Import past the account's quota (an administrator's choice); by default the import stops there. */
  readonly ignoreQuota?: boolean;
}

export interface ImportSummary {
  readonly imported: number;
  readonly duplicates: number;
  readonly failed: number;
  readonly bytes: number;
  readonly mailboxes: number;
  readonly elapsedMs: number;
  /** Why the import stopped before the end (the account is over quota), or null. */
  readonly stopped: string | null;
}

export async function runImport(source: ImportSource, options: ImportOptions): Promise<ImportSummary> {
  const { store, accountId, progress } = options;
  const known = new Map<string, Set<string>>();
  const mailboxes = new Set<string>();
  const droppedKeywords = new Set<string>();
  let imported = 0;
  let duplicates = 0;
  let failed = 0;
  let bytes = 0;
  let stopped: string | null = null;

  const hashesOf = async (mailbox: string): Promise<Set<string>> => {
    let hashes = known.get(mailbox);
    if (hashes === undefined) {
      const existing = await store.getMailbox(accountId, mailbox);
      hashes = new Set(existing === null ? [] : (await store.listMessages(existing.id)).map((m) => m.blobId));
      known.set(mailbox, hashes);
    }
    return hashes;
  };
  const fail = (label: string, reason: string): void => {
    failed++;
    progress.note(`skipped ${label}: ${reason}`);
  };
  const report = (): void => progress.update({ messages: imported + duplicates + failed, bytes, total: source.total() });

  // One item read ahead: the next file is read while the current message is being stored.
  const items = source.items[Symbol.asyncIterator]();
  let ahead = items.next();
  let finished = false;
  try {
    loop: for (;;) {
      const result = await ahead;
      if (result.done === true) {
        finished = true;
        break;
      }
      const item = result.value;
      ahead = items.next();
      switch (item.kind) {
        case 'note':
          progress.note(item.text);
          continue;
        case 'folder':
          mailboxes.add(item.mailbox);
          try {
            await ensureMailbox(store, accountId, item.mailbox);
          } catch (err) {
            progress.note(`could not create mailbox "${item.mailbox}": ${err instanceof Error ? err.message : String(err)}`);
          }
          continue;
        case 'failed':
          fail(item.label, item.reason);
          break;
        case 'message': {
          mailboxes.add(item.mailbox);
          const hashes = await hashesOf(item.mailbox);
          const hash = sha256Hex(item.bytes);
          if (hashes.has(hash)) {
            duplicates++;
            break;
          }
          const flags = cleanFlags(item.flags, (flag) => {
            if (droppedKeywords.has(flag)) return;
            droppedKeywords.add(flag);
            progress.note(`dropped the keyword "${flag}": not a valid IMAP keyword`);
          });
          try {
            await deliverMessage(store, { accountId, mailbox: item.mailbox }, item.bytes, {
              flags,
              internalDate: item.internalDate,
              createMailbox: true,
              maxBytes: options.maxMessageBytes,
            ignoreQuota: options.ignoreQuota === true,
            });
          } catch (err) {
            if (!(err instanceof DeliveryError)) throw err;
            if (err.kind === 'overquota') {
              // Every further message would fail the same way.
              stopped = `the account is over its quota: ${err.message}`;
              break loop;
            }
            fail(item.label, err.message);
            break;
          }
          hashes.add(hash);
          imported++;
          bytes += item.bytes.length;
          break;
        }
      }
      report();
    }
  } finally {
    if (!finished) {
      ahead.catch(() => undefined); // stopped early: the item read ahead is no longer wanted
      await items.return?.(undefined);
    }
  }
  progress.clear();
  return { imported, duplicates, failed, bytes, mailboxes: mailboxes.size, elapsedMs: progress.elapsedMs(), stopped };
}

/** Creates the mailbox and any missing parent (an empty folder of the source still appears). */
export async function ensureMailbox(store: Store, accountId: number, name: string): Promise<void> {
  const parts = name.split(DELIMITER);
  for (let i = 1; i <= parts.length; i++) {
    const prefix = parts.slice(0, i).join(DELIMITER);
    if ((await store.getMailbox(accountId, prefix)) !== null) continue;
    try {
      await store.createMailbox(accountId, prefix);
    } catch (err) {
      if (!(err instanceof StoreError && err.code === 'ALREADYEXISTS')) throw err;
    }
  }
}

export function formatSummary(summary: ImportSummary, verb = 'Imported'): string {
  const seconds = summary.elapsedMs / 1000;
  const rate = summary.imported / Math.max(seconds, 0.001);
  return (
    `${verb} ${summary.imported} messages (${(summary.bytes / (1024 * 1024)).toFixed(1)} MB) into ${summary.mailboxes} mailboxes, ` +
    `skipped ${summary.duplicates} already there, ${summary.failed} failed, in ${seconds.toFixed(1)}s (${Math.round(rate)} msg/s)`
  );
}
