// Who may administer quotas over IMAP: the logins of config `[imap] admins` (RFC 9208 §4.1.3
// SETQUOTA, and QUOTASET in CAPABILITY for them alone).
import type { SessionState } from './commands/types.js';

export function isAdmin(state: SessionState, admins: readonly string[] | undefined): boolean {
  if (state.kind !== 'authenticated' && state.kind !== 'selected') return false;
  return admins?.includes(state.account.login) === true;
}
