// QUOTA (RFC 9208): GETQUOTA, GETQUOTAROOT and SETQUOTA over the store's per-account limits. Each
// user has one quota root, "" (RFC 9208 §4.2.2 example), covering all of their mailboxes, with the
// resources STORAGE (reported in units of 1024 octets, §5.1) and MESSAGE (§5.2).
// SETQUOTA answers NO [NOPERM]: no IMAP user is an administrator yet, quotas are set with
// `postkeep user quota`; so QUOTASET is not advertised (RFC 9208 §1).
import type { Quota } from '../../store/types.js';
import { Atom, type ImapData } from '../wire/data.js';
import { ImapError, type CommandContext, type CommandModule } from './types.js';
import { accountOf, mailboxName, noSequenceNumbers } from './util.js';

/** The one quota root of every user. */
export const QUOTA_ROOT = '';

const kib = (bytes: number): number => Math.ceil(bytes / 1024);

/** quota-list: one triplet per limited resource; an empty list means no limits (RFC 9208 §4.2.1). */
export function quotaList(q: Quota): ImapData[] {
  const list: ImapData[] = [];
  if (q.storageLimit !== null) list.push(new Atom('STORAGE'), kib(q.storageUsed), kib(q.storageLimit));
  if (q.messageLimit !== null) list.push(new Atom('MESSAGE'), q.messagesUsed, q.messageLimit);
  return list;
}

async function sendQuota(ctx: CommandContext): Promise<void> {
  const q = await ctx.store.getQuota(accountOf(ctx).id);
  await ctx.untagged(new Atom('QUOTA'), QUOTA_ROOT, quotaList(q));
}

export const getQuotaCommand: CommandModule<'GETQUOTA'> = {
  names: ['GETQUOTA'],
  states: ['authenticated', 'selected'],
  usesSequenceNumbers: noSequenceNumbers,
  capabilities: ['QUOTA', 'QUOTA=RES-STORAGE', 'QUOTA=RES-MESSAGE'],
  async run(cmd, ctx) {
    if (cmd.root !== QUOTA_ROOT) throw new ImapError('NO', 'NONEXISTENT', `No such quota root "${cmd.root}"; yours is ""`);
    await sendQuota(ctx);
    return { text: 'GETQUOTA completed' };
  },
};

export const getQuotaRootCommand: CommandModule<'GETQUOTAROOT'> = {
  names: ['GETQUOTAROOT'],
  states: ['authenticated', 'selected'],
  usesSequenceNumbers: noSequenceNumbers,
  async run(cmd, ctx) {
    // RFC 9208 §4.1.2: the mailbox need not exist; every mailbox of the user is under "".
    const name = mailboxName(ctx, cmd.mailbox);
    await ctx.untagged(new Atom('QUOTAROOT'), ctx.encodeMailboxName(name), QUOTA_ROOT);
    await sendQuota(ctx);
    return { text: 'GETQUOTAROOT completed' };
  },
};

export const setQuotaCommand: CommandModule<'SETQUOTA'> = {
  names: ['SETQUOTA'],
  states: ['authenticated', 'selected'],
  usesSequenceNumbers: noSequenceNumbers,
  async run() {
    throw new ImapError('NO', 'NOPERM', 'Quotas are set by the administrator (postkeep user quota)');
  },
};
