// IDLE (RFC 2177, RFC 9051 §6.3.13): "+ idling", then store changes are pushed as they happen
// until the client sends DONE.
import { LineTooLongError } from '../wire/reader.js';
import { ImapError, type CommandModule } from './types.js';
import { noSequenceNumbers } from './util.js';

export const idleCommand: CommandModule<'IDLE'> = {
  names: ['IDLE'],
  states: ['authenticated', 'selected'],
  usesSequenceNumbers: noSequenceNumbers,
  capabilities: ['IDLE'],
  async run(_cmd, ctx) {
    await ctx.continuation('idling');
    ctx.setIdling(true);
    let line: string | null;
    try {
      line = await ctx.readLine();
    } catch (err) {
      if (err instanceof LineTooLongError) throw new ImapError('BAD', null, 'Expected DONE');
      throw err;
    } finally {
      ctx.setIdling(false);
    }
    if (line === null) return { text: 'IDLE terminated' }; // the client went away
    // RFC 2177 §3: anything but DONE is a protocol error.
    if (line.trim().toUpperCase() !== 'DONE') throw new ImapError('BAD', null, 'Expected DONE to end IDLE');
    return { text: 'IDLE terminated' };
  },
};
