// The bytes of a message, by blob id, for FETCH BODY[] and friends.
import type { Readable } from 'node:stream';
import type { SqliteContext } from './context.js';

export function readMessage(ctx: SqliteContext, blobId: string, start?: number, end?: number): Promise<Buffer> {
  return ctx.blobs.read(blobId, start, end);
}

export function streamMessage(ctx: SqliteContext, blobId: string, start?: number, end?: number): Readable {
  return ctx.blobs.stream(blobId, start, end);
}
