// QUOTA (RFC 9208): GETQUOTA, GETQUOTAROOT and SETQUOTA over the store's per-account limits, with the
// resources STORAGE (in units of 1024 octets, §5.1) and MESSAGE (§5.2).
// Quota roots (RFC 9208 leaves their names to the server): each user has one root covering all of
// their mailboxes; the user names their own "" (GETQUOTAROOT always answers ""), and an administrator
// (config [imap] admins) names anyone's "#user/<login>" (as in RFC 9208 §4.1.3's example). SETQUOTA is
// for administrators only (NO [NOPERM] otherwise); QUOTASET is advertised to them alone.
import type { Account, Quota, QuotaLimits } from '../../store/types.js';
import { Atom, type ImapData } from '../wire/data.js';
import { ImapError, type CommandContext, type CommandModule } from './types.js';
import { accountOf, mailboxName, noSequenceNumbers } from './util.js';

/** The root a user names their own quota by. */
export const QUOTA_ROOT = '';
/** Prefix of the root naming another user's quota (administrators only). */
const USER_ROOT_PREFIX = '#user/';

const kib = (bytes: number): number => Math.ceil(bytes / 1024);

/** quota-list: one triplet per limited resource; an empty list means no limits (RFC 9208 §4.2.1). */
export function quotaList(q: Quota): ImapData[] {
  const list: ImapData[] = [];
  if (q.storageLimit !== null) list.push(new Atom('STORAGE'), kib(q.storageUsed), kib(q.storageLimit));
  if (q.messageLimit !== null) list.push(new Atom('MESSAGE'), q.messagesUsed, q.messageLimit);
  return list;
}

/** The account a root names, for this user; NO [NONEXISTENT] for a root that is not theirs to see. */
async function rootAccount(ctx: CommandContext, root: string): Promise<Account> {
  if (root === QUOTA_ROOT) return accountOf(ctx);
  // Non-administrators learn nothing about other accounts: the same answer as for a made-up root.
  const unknown = new ImapError('NO', 'NONEXISTENT', `No such quota root "${root.slice(0, 100)}"; yours is ""`);
  if (!ctx.isAdmin || !root.startsWith(USER_ROOT_PREFIX)) throw unknown;
  const account = await ctx.store.findAccount(root.slice(USER_ROOT_PREFIX.length));
  if (!account) throw unknown;
  return { id: account.id, login: account.login };
}

async function sendQuota(ctx: CommandContext, root: string, accountId: number): Promise<void> {
  await ctx.untagged(new Atom('QUOTA'), root, quotaList(await ctx.store.getQuota(accountId)));
}

export const getQuotaCommand: CommandModule<'GETQUOTA'> = {
  names: ['GETQUOTA'],
  states: ['authenticated', 'selected'],
  usesSequenceNumbers: noSequenceNumbers,
  capabilities: ['QUOTA', 'QUOTA=RES-STORAGE', 'QUOTA=RES-MESSAGE'],
  async run(cmd, ctx) {
    const account = await rootAccount(ctx, cmd.root);
    await sendQuota(ctx, cmd.root, account.id);
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
    await sendQuota(ctx, QUOTA_ROOT, accountOf(ctx).id);
    return { text: 'GETQUOTAROOT completed' };
  },
};

/** setquota-list -> the store's limits. RFC 9208 §4.1.3: limits not listed are removed. */
function newLimits(limits: ReadonlyArray<readonly [string, number]>): QuotaLimits {
  let storage: number | null = null;
  let messages: number | null = null;
  const seen = new Set<string>();
  for (const [resource, limit] of limits) {
    if (seen.has(resource)) throw new ImapError('BAD', null, `Resource ${resource} is listed twice`);
    seen.add(resource);
    if (resource === 'STORAGE') storage = limit * 1024; // §5.1: units of 1024 octets
    else if (resource === 'MESSAGE') messages = limit;
    else throw new ImapError('NO', null, `Unsupported quota resource ${resource.slice(0, 40)}; this server has STORAGE and MESSAGE`);
  }
  if (storage !== null && !Number.isSafeInteger(storage)) throw new ImapError('NO', 'LIMIT', 'STORAGE limit too large');
  return { storage, messages };
}

export const setQuotaCommand: CommandModule<'SETQUOTA'> = {
  names: ['SETQUOTA'],
  states: ['authenticated', 'selected'],
  usesSequenceNumbers: noSequenceNumbers,
  async run(cmd, ctx) {
    if (!ctx.isAdmin) throw new ImapError('NO', 'NOPERM', 'Only an administrator may set quotas (or use postkeep user quota)');
    const limits = newLimits(cmd.limits);
    const account = await rootAccount(ctx, cmd.root);
    await ctx.store.setQuota(account.id, limits);
    // RFC 9208 §4.1.3: the QUOTA response shows the limits now in force.
    await sendQuota(ctx, cmd.root, account.id);
    return { text: 'SETQUOTA completed' };
  },
};
