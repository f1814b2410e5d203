// Mailbox management (RFC 9051 §6.3.4-8): CREATE, DELETE, RENAME, SUBSCRIBE, UNSUBSCRIBE.
import type { SpecialUse } from '../../store/types.js';
import { DELIMITER, parentsOf, validateNewName } from '../mailbox-names.js';
import { ImapError, type CommandContext, type CommandModule } from './types.js';
import { accountOf, mailboxName, noSequenceNumbers } from './util.js';

/** Special uses CREATE may give (RFC 6154 §3). \\All and \\Flagged name virtual mailboxes, which a
 *  plain mailbox cannot be, so they are refused with [USEATTR]. */
const SPECIAL_USES: readonly SpecialUse[] = ['\\Drafts', '\\Sent', '\\Trash', '\\Junk', '\\Archive'];

/** Creates the missing superiors of a name (RFC 9051 §6.3.4: "foo/bar/zap" creates foo/ and foo/bar/). */
async function createParents(ctx: CommandContext, name: string): Promise<void> {
  const accountId = accountOf(ctx).id;
  for (const parent of parentsOf(name)) {
    if (await ctx.store.getMailbox(accountId, parent)) continue;
    try {
      await ctx.store.createMailbox(accountId, parent);
    } catch (err) {
      // Another session may have created it meanwhile; that is fine.
      if (!(await ctx.store.getMailbox(accountId, parent))) throw err;
    }
  }
}

export const createCommand: CommandModule<'CREATE'> = {
  names: ['CREATE'],
  states: ['authenticated', 'selected'],
  usesSequenceNumbers: noSequenceNumbers,
  capabilities: ['CREATE-SPECIAL-USE'],
  async run(cmd, ctx) {
    const name = validateNewName(ctx.decodeMailboxName(cmd.mailbox));
    // RFC 9051 §6.3.4: creating INBOX (in any case) is an error.
    if (name === 'INBOX') throw new ImapError('NO', 'ALREADYEXISTS', 'INBOX always exists');
    let specialUse: SpecialUse | null = null;
    for (const use of cmd.specialUse) {
      const known = SPECIAL_USES.find((u) => u.toLowerCase() === use.toLowerCase());
      // RFC 6154 §3: USEATTR when the attribute is not supported.
      // RFC 6154 §3: USEATTR when the attribute is not supported (or a second one is asked for);
      // the mailbox is then not created.
      if (!known || specialUse) throw new ImapError('NO', 'USEATTR', `Cannot give the special use ${use}`);
      specialUse = known;
    }
    const accountId = accountOf(ctx).id;
    if (await ctx.store.getMailbox(accountId, name)) throw new ImapError('NO', 'ALREADYEXISTS', `Mailbox already exists: ${name}`);
    await createParents(ctx, name);
    const created = await ctx.store.createMailbox(accountId, name, specialUse);
    // RFC 8474 §4.1: MAILBOXID in the tagged OK of every successful CREATE.
    return { code: `MAILBOXID (${created.mailboxId})`, text: 'CREATE completed' };
  },
};

export const deleteCommand: CommandModule<'DELETE'> = {
  names: ['DELETE'],
  states: ['authenticated', 'selected'],
  usesSequenceNumbers: noSequenceNumbers,
  async run(cmd, ctx) {
    const name = mailboxName(ctx, cmd.mailbox);
    if (name === 'INBOX') throw new ImapError('NO', 'CANNOT', 'INBOX cannot be deleted');
    const account = accountOf(ctx);
    const mailbox = await ctx.store.getMailbox(account.id, name);
    if (!mailbox) throw new ImapError('NO', 'NONEXISTENT', `Mailbox does not exist: ${name}`);
    // RFC 9051 §6.3.5: inferiors stay. The name then lives on only as their superior, which LIST
    // shows as \Noselect (\NonExistent under IMAP4rev2) until it is created again or they go.
    if (ctx.state.kind === 'selected' && ctx.state.view.mailbox.id === mailbox.id) {
      ctx.setState({ kind: 'authenticated', account });
      ctx.savedSearch = null;
    }
    await ctx.store.deleteMailbox(account.id, name);
    return { text: 'DELETE completed' };
  },
};

export const renameCommand: CommandModule<'RENAME'> = {
  names: ['RENAME'],
  states: ['authenticated', 'selected'],
  usesSequenceNumbers: noSequenceNumbers,
  async run(cmd, ctx) {
    const from = mailboxName(ctx, cmd.from);
    const to = validateNewName(ctx.decodeMailboxName(cmd.to));
    const accountId = accountOf(ctx).id;
    if (!(await ctx.store.getMailbox(accountId, from))) throw new ImapError('NO', 'NONEXISTENT', `Mailbox does not exist: ${from}`);
    if (await ctx.store.getMailbox(accountId, to)) throw new ImapError('NO', 'ALREADYEXISTS', `Mailbox already exists: ${to}`);
    if (to.startsWith(from + DELIMITER)) throw new ImapError('NO', 'CANNOT', 'Cannot move a mailbox below itself');
    // RFC 9051 §6.3.6: superiors of the new name are created as needed.
    await createParents(ctx, to);
    await ctx.store.renameMailbox(accountId, from, to);
    return { text: 'RENAME completed' };
  },
};

export const subscribeCommand: CommandModule<'SUBSCRIBE' | 'UNSUBSCRIBE'> = {
  names: ['SUBSCRIBE', 'UNSUBSCRIBE'],
  states: ['authenticated', 'selected'],
  usesSequenceNumbers: noSequenceNumbers,
  async run(cmd, ctx) {
    const name = mailboxName(ctx, cmd.mailbox);
    const accountId = accountOf(ctx).id;
    if (cmd.name === 'SUBSCRIBE') {
      // RFC 9051 §6.3.7 allows checking existence; clients subscribe right after CREATE, so we do.
      if (!(await ctx.store.getMailbox(accountId, name))) throw new ImapError('NO', 'NONEXISTENT', `Mailbox does not exist: ${name}`);
    }
    await ctx.store.setSubscribed(accountId, name, cmd.name === 'SUBSCRIBE');
    return { text: `${cmd.name} completed` };
  },
};
