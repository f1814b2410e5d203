// Every command module, by command name (DESIGN.md "Commands are data"). CAPABILITY is derived
// from this list (src/imap/capabilities.ts).
import type { CommandName } from '../wire/ast.js';
import type { CommandModule } from './types.js';
import { capabilityCommand, idCommand, logoutCommand, noopCommand } from './any.js';
import { authenticateCommand, loginCommand, starttlsCommand, unauthenticateCommand } from './auth.js';
import { enableCommand, namespaceCommand } from './enable.js';
import { checkCommand, closeCommand, selectCommand } from './select.js';
import { createCommand, deleteCommand, renameCommand, subscribeCommand } from './mailboxes.js';
import { listCommand, lsubCommand } from './list.js';
import { statusCommand } from './status.js';
import { appendCommand } from './append.js';
import { idleCommand } from './idle.js';
import { expungeCommand } from './expunge.js';
import { searchCommand } from './search.js';
import { fetchCommand } from './fetch.js';
import { storeCommand } from './store.js';
import { copyCommand } from './copy.js';
import { sortCommand } from './sort.js';
import { threadCommand } from './thread.js';
import { getQuotaCommand, getQuotaRootCommand, setQuotaCommand } from './quota.js';
import { getMetadataCommand, setMetadataCommand } from './metadata.js';
import { compressCommand } from './compress.js';

export const commandModules: readonly CommandModule[] = [
  capabilityCommand,
  noopCommand,
  logoutCommand,
  starttlsCommand,
  authenticateCommand,
  loginCommand,
  unauthenticateCommand,
  enableCommand,
  idCommand,
  namespaceCommand,
  selectCommand,
  createCommand,
  deleteCommand,
  renameCommand,
  subscribeCommand,
  listCommand,
  lsubCommand,
  statusCommand,
  appendCommand,
  idleCommand,
  checkCommand,
  closeCommand,
  expungeCommand,
  searchCommand,
  fetchCommand,
  storeCommand,
  copyCommand,
  sortCommand,
  threadCommand,
  getQuotaCommand,
  getQuotaRootCommand,
  setQuotaCommand,
  getMetadataCommand,
  setMetadataCommand,
  compressCommand,
] as unknown as readonly CommandModule[];

const byName = new Map<string, CommandModule>();
for (const m of commandModules) for (const n of m.names) byName.set(n, m);

export function commandModule(name: CommandName): CommandModule | undefined {
  return byName.get(name);
}
