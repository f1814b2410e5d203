// The POP3 command table: keyword -> handler (RFC 1939 §4-7, RFC 2449 CAPA, RFC 2595 STLS, RFC 5034 AUTH).
import { authCommand, passCommand, stlsCommand, userCommand } from './authorization.js';
import { deleCommand, listCommand, noopCommand, quitCommand, retrCommand, rsetCommand, statCommand, topCommand, uidlCommand } from './transaction.js';
import type { Pop3Command } from './types.js';

const capaCommand: Pop3Command = {
  states: ['authorization', 'transaction'],
  async run(args, _rest, ctx) {
    void args;
    await ctx.writer.list('Capability list follows', ctx.capabilities());
  },
};

export const commands: ReadonlyMap<string, Pop3Command> = new Map([
  ['USER', userCommand],
  ['PASS', passCommand],
  ['AUTH', authCommand],
  ['STLS', stlsCommand],
  ['CAPA', capaCommand],
  ['STAT', statCommand],
  ['LIST', listCommand],
  ['RETR', retrCommand],
  ['DELE', deleCommand],
  ['NOOP', noopCommand],
  ['RSET', rsetCommand],
  ['TOP', topCommand],
  ['UIDL', uidlCommand],
  ['QUIT', quitCommand],
]);
