// postkeep user add|passwd|del|list: account administration straight on the store.
import type { Command } from 'commander';
import { hashPassword } from '../auth/password.js';
import { deriveScramRecord } from '../auth/scram.js';
import type { ScramRecord } from '../store/types.js';
import { configOf, withStore } from './context.js';
import { CliError } from './errors.js';
import { checkLogin } from './login.js';
import { confirm, readNewPassword } from './password-prompt.js';
import { registerQuotaCommand } from './quota.js';

interface PasswordOptions {
  passwordStdin?: boolean;
}

/** The scrypt hash for PLAIN/LOGIN and the SCRAM-SHA-256 credentials (4096 iterations, the count
 *  src/auth/scram.ts chose with RFC 7677 §4's minimum), both from the one password, which is then forgotten. */
async function credentialsOf(password: string): Promise<{ hash: string; scram: ScramRecord }> {
  return { hash: await hashPassword(password), scram: await deriveScramRecord(password) };
}

export function registerUserCommands(program: Command): void {
  const user = program.command('user').description('add, remove and list accounts');

  user
    .command('add <login>')
    .description('create an account (with INBOX, Drafts, Sent, Trash, Junk, Archive)')
    .option('--password-stdin', 'read the password from the first line of stdin instead of prompting')
    .action(async (login: string, options: PasswordOptions, command: Command) => {
      checkLogin(login);
      const config = configOf(command);
      // Ask before reading the password, so a typo in the login does not cost two password prompts.
      await withStore(config, async (store) => {
        if (await store.findAccount(login)) throw new CliError(`user ${login} already exists`);
      });
      const { hash, scram } = await credentialsOf(await readNewPassword(options.passwordStdin === true, login));
      await withStore(config, async (store) => {
        if (await store.findAccount(login)) throw new CliError(`user ${login} already exists`);
        await store.createAccount(login, hash, scram);
      });
      console.log(`Added user ${login}.`);
    });

  user
    .command('passwd <login>')
    .description("change an account's password")
    .option('--password-stdin', 'read the password from the first line of stdin instead of prompting')
    .action(async (login: string, options: PasswordOptions, command: Command) => {
      checkLogin(login);
      const config = configOf(command);
      await withStore(config, async (store) => {
        if (!(await store.findAccount(login))) throw new CliError(`user ${login} does not exist`);
      });
      const { hash, scram } = await credentialsOf(await readNewPassword(options.passwordStdin === true, login));
      await withStore(config, async (store) => {
        if (!(await store.findAccount(login))) throw new CliError(`user ${login} does not exist`);
        await store.setPasswordHash(login, hash, scram);
      });
      console.log(`Changed the password of ${login}.`);
    });

  user
    .command('del <login>')
    .description('delete an account with all its mailboxes and messages')
    .option('-y, --yes', 'do not ask for confirmation')
    .action(async (login: string, options: { yes?: boolean }, command: Command) => {
      checkLogin(login);
      const config = configOf(command);
      await withStore(config, async (store) => {
        if (!(await store.findAccount(login))) throw new CliError(`user ${login} does not exist`);
        if (options.yes !== true) {
          if (!process.stdin.isTTY) throw new CliError(`not deleting ${login} without confirmation: pass --yes`);
          if (!(await confirm(`Delete user ${login} and all their mail?`))) throw new CliError('not deleted');
        }
        if (!(await store.deleteAccount(login))) throw new CliError(`user ${login} does not exist`);
      });
      console.log(`Deleted user ${login}.`);
    });

  user
    .command('list')
    .description('print every login, one per line')
    .action(async (_options: unknown, command: Command) => {
      const accounts = await withStore(configOf(command), (store) => store.listAccounts());
      if (accounts.length === 0) console.error('No accounts. Add one with: npx postkeep user add <login>');
      for (const account of accounts) console.log(account.login);
    });

  registerQuotaCommand(user);
}
