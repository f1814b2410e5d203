// Commands valid in every state (RFC 9051 §6.1): CAPABILITY, NOOP, LOGOUT; and ID (RFC 2971).
import { Atom } from '../wire/data.js';
import { SERVER_NAME, SERVER_VERSION } from '../capabilities.js';
import type { CommandModule } from './types.js';
import { noSequenceNumbers } from './util.js';

const ALL = ['notAuthenticated', 'authenticated', 'selected'] as const;

export const capabilityCommand: CommandModule<'CAPABILITY'> = {
  names: ['CAPABILITY'],
  states: ALL,
  usesSequenceNumbers: noSequenceNumbers,
  async run(_cmd, ctx) {
    await ctx.untagged(new Atom('CAPABILITY'), ...ctx.capabilities().map((c) => new Atom(c)));
    return { text: 'CAPABILITY completed' };
  },
};

export const noopCommand: CommandModule<'NOOP'> = {
  names: ['NOOP'],
  states: ALL,
  usesSequenceNumbers: noSequenceNumbers,
  async run(_cmd, ctx) {
    // RFC 9051 §6.1.2: NOOP is how a client polls for updates; pull them even if no event came.
    if (ctx.state.kind === 'selected') await ctx.refresh({ allowExpunge: true });
    return { text: 'NOOP completed' };
  },
};

export const logoutCommand: CommandModule<'LOGOUT'> = {
  names: ['LOGOUT'],
  states: ALL,
  usesSequenceNumbers: noSequenceNumbers,
  async run(_cmd, ctx) {
    // RFC 9051 §6.1.3: BYE first, then the tagged OK; the session closes after it.
    await ctx.untagged(new Atom('BYE'), new Atom('Logging out'));
    ctx.setState({ kind: 'logout' });
    return { text: 'LOGOUT completed' };
  },
};

export const idCommand: CommandModule<'ID'> = {
  names: ['ID'],
  states: ALL,
  usesSequenceNumbers: noSequenceNumbers,
  capabilities: ['ID'],
  async run(_cmd, ctx) {
    // RFC 2971 §3.1: the client's parameters are informational only.
    await ctx.untagged(new Atom('ID'), ['name', SERVER_NAME, 'version', SERVER_VERSION]);
    return { text: 'ID completed' };
  },
};
