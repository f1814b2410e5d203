// METADATA (RFC 5464): GETMETADATA and SETMETADATA for server ("" mailbox) and mailbox
// annotations. /private entries are the user's; /shared entries are shared with whoever may see
// the mailbox, which without ACLs is its owner only; server entries are kept per user for the
// same reason (rule 4: one user never sees another's data).
import { StoreError, type MetadataEntry } from '../../store/types.js';
import { Atom, Literal, type ImapData } from '../wire/data.js';
import { ImapError, type CommandContext, type CommandModule } from './types.js';
import { accountOf, existingMailbox, noSequenceNumbers } from './util.js';

/** Largest value accepted (RFC 5464 §4.1: at least 1024 must be). */
export const METADATA_MAX_VALUE_BYTES = 16 * 1024;
/** Entries per mailbox, and server entries per user (RFC 5464 §4.1: at least 10 must be). */
export const METADATA_MAX_ENTRIES = 100;
/** Server entries set by the server, never by clients (RFC 5464 §3.2.1.1). */
const READ_ONLY = new Set(['/shared/admin']);

/** The scope component must be /private or /shared (RFC 5464 §3.2); `minParts` counts components. */
function checkScope(name: string, minParts: number): void {
  const parts = name.toLowerCase().split('/').slice(1);
  if ((parts[0] !== 'private' && parts[0] !== 'shared') || parts.length < minParts) {
    throw new ImapError('BAD', null, `Entry name must be /private/... or /shared/...: ${name}`);
  }
}

/** null for server annotations (the empty mailbox name, RFC 5464 §4.1). */
async function target(ctx: CommandContext, raw: string): Promise<number | null> {
  if (raw === '') return null;
  return (await existingMailbox(ctx, raw)).id;
}

/** Text without CR/LF/NUL goes as a string (quoted when it can be); anything else as a literal. */
function valueData(value: Buffer): ImapData {
  const text = value.toString('utf8');
  if (Buffer.from(text, 'utf8').equals(value) && !text.includes('\0')) return text;
  return new Literal(value, value.includes(0));
}

export const getMetadataCommand: CommandModule<'GETMETADATA'> = {
  names: ['GETMETADATA'],
  states: ['authenticated', 'selected'],
  usesSequenceNumbers: noSequenceNumbers,
  capabilities: ['METADATA'],
  async run(cmd, ctx) {
    for (const e of cmd.entries) checkScope(e, 1);
    const mailboxId = await target(ctx, cmd.mailbox);
    const found = await ctx.store.getMetadata(accountOf(ctx).id, mailboxId, cmd.entries, cmd.depth);
    const byName = new Map<string, MetadataEntry | null>();
    // Entries asked for by name but absent are answered with NIL.
    for (const e of cmd.entries) byName.set(e.toLowerCase(), null);
    for (const f of found) byName.set(f.name, f);
    const list: ImapData[] = [];
    let longest = 0;
    for (const [name, entry] of byName) {
      // RFC 5464 §4.2.1: MAXSIZE leaves out longer values and reports the longest left out.
      if (entry && cmd.maxSize !== null && entry.value.length > cmd.maxSize) {
        longest = Math.max(longest, entry.value.length);
        continue;
      }
      list.push(new Atom(name), entry ? valueData(entry.value) : null);
    }
    if (list.length > 0) await ctx.untagged(new Atom('METADATA'), cmd.mailbox, list);
    return longest > 0 ? { code: `METADATA LONGENTRIES ${longest}`, text: 'GETMETADATA completed' } : { text: 'GETMETADATA completed' };
  },
};

export const setMetadataCommand: CommandModule<'SETMETADATA'> = {
  names: ['SETMETADATA'],
  states: ['authenticated', 'selected'],
  usesSequenceNumbers: noSequenceNumbers,
  async run(cmd, ctx) {
    for (const [name, value] of cmd.values) {
      checkScope(name, 2);
      if (READ_ONLY.has(name.toLowerCase())) throw new ImapError('NO', 'NOPERM', `${name} is read-only`);
      // RFC 5464 §4.3: too large -> NO [METADATA MAXSIZE n], and nothing is changed.
      if (value && value.length > METADATA_MAX_VALUE_BYTES) {
        throw new ImapError('NO', `METADATA MAXSIZE ${METADATA_MAX_VALUE_BYTES}`, `A value may hold at most ${METADATA_MAX_VALUE_BYTES} octets`);
      }
    }
    const mailboxId = await target(ctx, cmd.mailbox);
    try {
      await ctx.store.setMetadata(
        accountOf(ctx).id,
        mailboxId,
        cmd.values.map(([name, value]) => ({ name, value })),
        METADATA_MAX_ENTRIES,
      );
    } catch (err) {
      // RFC 5464 §4.3: too many -> NO [METADATA TOOMANY]; the store changed nothing.
      if (err instanceof StoreError && err.code === 'LIMIT') throw new ImapError('NO', 'METADATA TOOMANY', err.message);
      throw err;
    }
    return { text: 'SETMETADATA completed' };
  },
};
