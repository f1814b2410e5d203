// The CommandContext a command module sees (src/imap/commands/types.ts), built over the session that
// runs it. Kept apart from session.ts so that the connection state machine stays one idea.
import type { Logger } from 'pino';
import type { LoginGuard } from '../auth/login-guard.js';
import type { Store } from '../store/types.js';
import type { Limits } from './limits.js';
import type { ImapData } from './wire/data.js';
import type { CommandContext, SessionState } from './commands/types.js';
import type { SessionMode } from './session-mode.js';
import { isAdmin } from './admins.js';

/** What the session exposes to build a command context. */
export interface ContextHost {
  readonly store: Store;
  readonly limits: Limits;
  readonly admins: readonly string[];
  readonly log: Logger;
  readonly mode: SessionMode;
  readonly state: SessionState;
  setState(state: SessionState): void;
  readonly secure: boolean;
  plaintextAuthAllowed(): boolean;
  savedSearch: number[] | null;
  untagged(parts: ImapData[]): Promise<void>;
  continuation(text: string): Promise<void>;
  readLine(): Promise<string | null>;
  enable(capability: string): boolean;
  capabilities(): string[];
  authFailed(): void;
  readonly loginGuard: LoginGuard;
  afterTagged(action: () => Promise<void> | void): void;
  upgradeToTls(): Promise<void>;
  readonly compressed: boolean;
  startCompression(): void;
  refresh(allowExpunge: boolean): Promise<void>;
  setIdling(on: boolean): void;
  unauthenticate(): void;
}

export function commandContext(host: ContextHost): CommandContext {
  return {
    store: host.store,
    limits: host.limits,
    logger: host.log,
    get state() {
      return host.state;
    },
    setState: (state) => host.setState(state),
    get enabled() {
      return host.mode.enabled;
    },
    get rev2() {
      return host.mode.rev2;
    },
    get secure() {
      return host.secure;
    },
    get starttlsAvailable() {
      return !host.secure;
    },
    get plaintextAuthAllowed() {
      return host.plaintextAuthAllowed();
    },
    get savedSearch() {
      return host.savedSearch;
    },
    set savedSearch(v) {
      host.savedSearch = v;
    },
    decodeMailboxName: (raw) => host.mode.decodeMailboxName(raw),
    encodeMailboxName: (name) => host.mode.encodeMailboxName(name),
    untagged: (...parts: ImapData[]) => host.untagged(parts),
    continuation: (text) => host.continuation(text),
    readLine: () => host.readLine(),
    enable: (cap) => host.enable(cap),
    capabilities: () => host.capabilities(),
    authFailed: () => host.authFailed(),
    loginGuard: host.loginGuard,
    afterTagged: (action) => host.afterTagged(action),
    upgradeToTls: () => host.upgradeToTls(),
    get compressed() {
      return host.compressed;
    },
    startCompression: () => host.startCompression(),
    refresh: (o) => host.refresh(o.allowExpunge),
    setIdling: (on) => host.setIdling(on),
    unauthenticate: () => host.unauthenticate(),
    get isAdmin() {
      return isAdmin(host.state, host.admins);
    },
  };
}
