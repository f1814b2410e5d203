// Feeds a socket's bytes into a protocol reader (IMAP's CommandReader, POP3's LineReader) with
// back-pressure: the socket is paused once more than `highWater` unread bytes wait in the reader,
// and the session resumes it when it next reads (DESIGN.md rule 3: a client cannot make us buffer
// without limit). Returns the function that detaches the reader (STARTTLS, COMPRESS, close).
import type { Readable } from 'node:stream';

export interface FedReader {
  push(chunk: Buffer): void;
  end(): void;
  readonly bufferedBytes: number;
}

export function feedReader(socket: Readable, reader: FedReader, highWater: number): () => void {
  const onData = (chunk: Buffer): void => {
    reader.push(chunk);
    if (reader.bufferedBytes > highWater) socket.pause();
  };
  const onEnd = (): void => reader.end();
  socket.on('data', onData);
  socket.on('end', onEnd);
  socket.on('close', onEnd);
  return () => {
    socket.removeListener('data', onData);
    socket.removeListener('end', onEnd);
    socket.removeListener('close', onEnd);
  };
}
