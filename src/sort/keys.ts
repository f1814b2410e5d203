// Per-message sort keys of RFC 5256 §2.2 (sent date), §2.3/§3 (addresses) and RFC 5957 (display).
import { decodeWords } from '../mime/decode.js';
import type { Address } from '../mime/types.js';
import { baseSubject } from './base-subject.js';
import { collationKey } from './collate.js';
import type { SortItem, SortKeyName, SortNeeds } from './types.js';

/** RFC 5256 §2.2: the Date: header in UTC; the internal date when it is missing or unparseable. */
export function sentDate(item: SortItem): number {
  return item.summary?.sentDate?.ms ?? item.meta.internalDate;
}

/** The first real address of a list (group markers skipped, RFC 5322 §3.4), or null. */
function firstAddress(list: readonly Address[] | null | undefined): Address | null {
  for (const a of list ?? []) if (a.host !== null) return a;
  return null;
}

/** RFC 5256 §3: "addr-mailbox of the first address"; empty when absent. */
function mailboxKey(list: readonly Address[] | null | undefined): string {
  return collationKey(firstAddress(list)?.mailbox ?? '');
}

/** RFC 5957 §3: the display-name of the first address, decoded; else its addr-spec; else empty. */
function displayKey(list: readonly Address[] | null | undefined): string {
  const a = firstAddress(list);
  if (!a) return '';
  const name = a.name === null ? '' : decodeWords(a.name).trim();
  if (name !== '') return collationKey(name);
  return collationKey(`${a.mailbox ?? ''}@${a.host ?? ''}`);
}

/** The key of one criterion: a number, or a collation key (string). */
export function sortKey(item: SortItem, key: SortKeyName): number | string {
  const env = item.summary?.envelope;
  switch (key) {
    case 'ARRIVAL':
      return item.meta.internalDate;
    case 'DATE':
      return sentDate(item);
    case 'SIZE':
      return item.meta.size;
    case 'SUBJECT':
      return collationKey(baseSubject(env?.subject ?? null).base);
    case 'FROM':
      return mailboxKey(env?.from);
    case 'TO':
      return mailboxKey(env?.to);
    case 'CC':
      return mailboxKey(env?.cc);
    case 'DISPLAYFROM':
      return displayKey(env?.from);
    case 'DISPLAYTO':
      return displayKey(env?.to);
  }
}

/** ARRIVAL and SIZE come from metadata, DATE from the Date: header, the others from the envelope. */
export function sortNeeds(keys: readonly SortKeyName[]): SortNeeds {
  return {
    sentDate: keys.includes('DATE'),
    envelope: keys.some((k) => k !== 'ARRIVAL' && k !== 'SIZE' && k !== 'DATE'),
    headers: false,
  };
}
