// Address -> account and mailbox, for LMTP RCPT TO and `postkeep deliver`. Rules (docs/configuration.md
// [lmtp]): an address that is exactly a login; else local@domain with domain among local_domains
// (any domain when that list is empty) and local a login; else local = login + delimiter + detail,
// delivered into the mailbox "detail" when plus_to_mailbox is on and it exists, into INBOX otherwise.
import type { Account, Store } from '../store/types.js';

export interface RecipientRules {
  readonly localDomains: readonly string[];
  readonly recipientDelimiter: string;
  readonly plusToMailbox: boolean;
}

export interface ResolvedRecipient {
  readonly account: Account;
  /** Store name of the target mailbox ("INBOX" or an existing mailbox). */
  readonly mailbox: string;
}

async function account(store: Store, login: string): Promise<Account | null> {
  if (login === '') return null;
  const found = (await store.findAccount(login)) ?? (login !== login.toLowerCase() ? await store.findAccount(login.toLowerCase()) : null);
  return found === null ? null : { id: found.id, login: found.login };
}

/** The mailbox named by an address extension: exact name first, then ignoring case. */
async function detailMailbox(store: Store, accountId: number, detail: string): Promise<string | null> {
  if (detail === '') return null;
  const exact = await store.getMailbox(accountId, detail);
  if (exact !== null) return exact.name;
  const lower = detail.toLowerCase();
  const match = (await store.listMailboxes(accountId)).find((m) => m.name.toLowerCase() === lower);
  return match?.name ?? null;
}

/** The account and mailbox for an address ("<...>" allowed), or null when it is not ours. */
export async function resolveRecipient(store: Store, address: string, rules: RecipientRules): Promise<ResolvedRecipient | null> {
  const addr = address.trim().replace(/^<(.*)>$/, '$1');
  if (addr === '') return null;
  const whole = await account(store, addr);
  if (whole !== null) return { account: whole, mailbox: 'INBOX' };

  const at = addr.lastIndexOf('@');
  const local = at < 0 ? addr : addr.slice(0, at);
  if (at >= 0) {
    const domain = addr.slice(at + 1).toLowerCase().replace(/\.$/, '');
    if (rules.localDomains.length > 0 && !rules.localDomains.includes(domain)) return null;
  }
  const plain = await account(store, local);
  if (plain !== null) return { account: plain, mailbox: 'INBOX' };

  // RFC 5233 subaddressing: the first delimiter splits user from detail.
  let split = -1;
  for (let i = 0; i < local.length && split < 0; i++) if (rules.recipientDelimiter.includes(local[i] ?? '')) split = i;
  if (split <= 0) return null;
  const user = await account(store, local.slice(0, split));
  if (user === null) return null;
  const mailbox = rules.plusToMailbox ? await detailMailbox(store, user.id, local.slice(split + 1)) : null;
  return { account: user, mailbox: mailbox ?? 'INBOX' };
}
