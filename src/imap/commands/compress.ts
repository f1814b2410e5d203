// COMPRESS (RFC 4978 §3). The switch happens after the tagged OK (the session swaps its streams,
// src/imap/compress.ts); only once authenticated, so that a peer cannot make us inflate before login.
import { ImapError, type CommandModule } from './types.js';
import { noSequenceNumbers } from './util.js';

export const compressCommand: CommandModule<'COMPRESS'> = {
  names: ['COMPRESS'],
  states: ['authenticated', 'selected'],
  usesSequenceNumbers: noSequenceNumbers,
  capabilities: ['COMPRESS=DEFLATE'],
  async run(cmd, ctx) {
    if (cmd.mechanism !== 'DEFLATE') throw new ImapError('BAD', null, `Unknown compression mechanism ${cmd.mechanism}`);
    // RFC 4978 §3: refuse a second layer, naming the code.
    if (ctx.compressed) throw new ImapError('NO', 'COMPRESSIONACTIVE', 'DEFLATE is already active');
    ctx.afterTagged(() => ctx.startCompression());
    return { text: 'DEFLATE active' };
  },
};
