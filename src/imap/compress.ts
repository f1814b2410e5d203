// COMPRESS=DEFLATE (RFC 4978): raw DEFLATE (no zlib header; windowBits 15, RFC 4978 §4 wants
// -8..-15 in zlib's terms, which node's *Raw streams are) in both directions, inside TLS when TLS
// is on (§3: compress first, then encrypt). Every write is followed by a Z_SYNC_FLUSH, so a
// response (a tagged OK, an IDLE update) is never held back in the compressor.
import { constants, createDeflateRaw, createInflateRaw, type DeflateRaw, type InflateRaw } from 'node:zlib';
import { Writable, type Duplex } from 'node:stream';

export interface CompressionLayer {
  /** Decompressed client bytes: feed the command reader from here. */
  readonly input: InflateRaw;
  /** Where responses go: compressed, flushed after every write, then to the socket. */
  readonly output: Writable;
}

/**
 * Puts DEFLATE between `socket` and the session. Call right after the tagged OK of COMPRESS went
 * out (RFC 4978 §3: compression starts immediately after its CRLF), with the old input detached.
 * `onError` is told of corrupt input from the client (the connection should then be closed).
 */
export function startCompression(socket: Duplex, onError: (err: Error) => void): CompressionLayer {
  const inflate = createInflateRaw({ windowBits: 15 });
  const deflate: DeflateRaw = createDeflateRaw({ windowBits: 15, level: constants.Z_DEFAULT_COMPRESSION });
  inflate.on('error', onError);
  deflate.on('error', onError);
  socket.pipe(inflate);
  // end: true — ending the output (BYE, LOGOUT) ends the socket after the last compressed bytes.
  deflate.pipe(socket);
  const output = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      const ok = deflate.write(chunk);
      deflate.flush(constants.Z_SYNC_FLUSH);
      if (ok) callback();
      else deflate.once('drain', () => callback());
    },
    final(callback) {
      // Finished only once deflate's last bytes have gone to the socket (its readable 'end', on which
      // the pipe ends the socket): finishing at deflate's 'finish' let autoDestroy run destroy() below
      // first, so the socket was never ended (the connection stayed open until the destroy timer).
      let done = false;
      const finish = (): void => {
        if (done) return;
        done = true;
        callback();
      };
      deflate.once('end', finish);
      deflate.once('close', finish);
      deflate.end();
    },
    destroy(err, callback) {
      deflate.destroy();
      inflate.destroy();
      callback(err);
    },
  });
  return { input: inflate, output };
}
