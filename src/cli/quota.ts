// postkeep user quota <login> [size|none] [--messages N|none]: set or show an account's quota.
import type { Command } from 'commander';
import { configOf, withStore } from './context.js';
import { CliError } from './errors.js';
import { checkLogin } from './login.js';
import { formatSize, parseSize } from './sizes.js';

function limitOf(text: string, what: string, parse: (t: string) => number | null): number | null {
  if (text.toLowerCase() === 'none' || text.toLowerCase() === 'unlimited') return null;
  const value = parse(text);
  if (value === null) throw new CliError(`${what}: "${text}" is not ${what === 'size' ? 'a size such as 2G, 500M or 1048576, or none' : 'a whole number or none'}`);
  return value;
}

const wholeNumber = (t: string): number | null => (/^\d+$/.test(t) && Number.isSafeInteger(Number(t)) ? Number(t) : null);

export function registerQuotaCommand(user: Command): void {
  user
    .command('quota <login> [size]')
    .description('show, or set with a size (2G, 500M, none), the storage quota of an account; --messages for a message count')
    .option('--messages <count>', 'most messages the account may hold, or none')
    .action(async (login: string, size: string | undefined, options: { messages?: string }, command: Command) => {
      checkLogin(login);
      const limits = {
        ...(size === undefined ? {} : { storage: limitOf(size, 'size', parseSize) }),
        ...(options.messages === undefined ? {} : { messages: limitOf(options.messages, 'messages', wholeNumber) }),
      };
      const quota = await withStore(configOf(command), async (store) => {
        const account = await store.findAccount(login);
        if (!account) throw new CliError(`user ${login} does not exist`);
        if (Object.keys(limits).length > 0) await store.setQuota(account.id, limits);
        return store.getQuota(account.id);
      });
      const storage = quota.storageLimit === null ? 'unlimited' : formatSize(quota.storageLimit);
      const messages = quota.messageLimit === null ? 'unlimited' : String(quota.messageLimit);
      console.log(`${login}: storage ${formatSize(quota.storageUsed)} of ${storage}, messages ${quota.messagesUsed} of ${messages}`);
    });
}
