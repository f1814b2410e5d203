// ENABLE (RFC 5161, RFC 9051 §6.3.1) and NAMESPACE (RFC 2342, RFC 9051 §6.3.10).
import { Atom } from '../wire/data.js';
import type { CommandModule } from './types.js';
import { noSequenceNumbers } from './util.js';

/** What ENABLE can turn on, upper-cased -> how ENABLED names it. */
const ENABLEABLE = new Map([
  ['IMAP4REV2', 'IMAP4rev2'],
  ['CONDSTORE', 'CONDSTORE'], // RFC 7162 §3.1
  ['QRESYNC', 'QRESYNC'], // RFC 7162 §3.2.3
  ['UTF8=ACCEPT', 'UTF8=ACCEPT'], // RFC 6855 §3: UTF-8 quoted strings and mailbox names from now on
]);

export const enableCommand: CommandModule<'ENABLE'> = {
  names: ['ENABLE'],
  // RFC 5161 §3.1: only in the authenticated state.
  states: ['authenticated'],
  usesSequenceNumbers: noSequenceNumbers,
  capabilities: ['ENABLE', 'UTF8=ACCEPT'],
  async run(cmd, ctx) {
    const turnedOn: Atom[] = [];
    for (const cap of cmd.capabilities) {
      const name = ENABLEABLE.get(cap.toUpperCase());
      // RFC 5161 §3.1: unknown extensions are ignored; ENABLED lists only what this command turned on.
      if (name && ctx.enable(cap.toUpperCase())) turnedOn.push(new Atom(name));
      // RFC 7162 §3.2.3: QRESYNC implies CONDSTORE (which then needs no ENABLED of its own).
      if (name === 'QRESYNC') ctx.enable('CONDSTORE');
    }
    await ctx.untagged(new Atom('ENABLED'), ...turnedOn);
    return { text: 'ENABLE completed' };
  },
};

export const namespaceCommand: CommandModule<'NAMESPACE'> = {
  names: ['NAMESPACE'],
  states: ['authenticated', 'selected'],
  usesSequenceNumbers: noSequenceNumbers,
  capabilities: ['NAMESPACE'],
  async run(_cmd, ctx) {
    // One personal namespace with no prefix, "/" delimiter; no other users', no shared.
    await ctx.untagged(new Atom('NAMESPACE'), [['', '/']], null, null);
    return { text: 'NAMESPACE completed' };
  },
};
