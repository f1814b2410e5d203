// The size of each message as POP3 sends it (CRLF line ends, RFC 1939 §11), which differs from the
// stored size when the stored bytes have bare LF line ends. Counting needs the bytes once; blobs are
// immutable and named by their sha256, so the count is cached per blob for the life of the process.
import type { MessageMeta, Store } from '../store/types.js';
import { SentSizeCounter } from './multiline.js';

// 100,000 entries of ~100 bytes each: about 10 MB, enough for the mailboxes in use at one time.
const MAX_CACHED = 100_000;
// Blobs read at once when a maildrop opens: enough to hide disk latency, few enough to be fair.
const PARALLEL_READS = 8;

const cache = new Map<string, number>();

function remember(blobId: string, size: number): void {
  if (cache.size >= MAX_CACHED) {
    const oldest = cache.keys().next();
    if (!oldest.done) cache.delete(oldest.value);
  }
  cache.set(blobId, size);
}

async function count(store: Store, meta: MessageMeta): Promise<number> {
  const counter = new SentSizeCounter();
  try {
    for await (const chunk of store.streamMessage(meta.blobId)) counter.push(chunk as Buffer);
  } catch {
    // Expunged by another session while we counted: RETR will say so; the stored size will do.
    return meta.size;
  }
  const size = counter.size();
  remember(meta.blobId, size);
  return size;
}

/** Sent sizes of the messages, in the same order. */
export async function sentSizes(store: Store, messages: readonly MessageMeta[]): Promise<number[]> {
  const sizes = new Array<number>(messages.length).fill(0);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < messages.length) {
      const i = next++;
      const meta = messages[i] as MessageMeta;
      sizes[i] = cache.get(meta.blobId) ?? (await count(store, meta));
    }
  };
  await Promise.all(Array.from({ length: Math.min(PARALLEL_READS, messages.length) }, worker));
  return sizes;
}
