// One connection's way through a password check: the brute-force throttle before it, a log line
// with the peer after a failure (never the password), and the per-user connection slot after a
// success. IMAP LOGIN/AUTHENTICATE and POP3 USER/PASS/AUTH all go through here.
import type { Logger } from 'pino';
import type { ConnectionLimiter, Release } from './connection-limits.js';
import type { LoginThrottle } from './throttle.js';

export type LoginOutcome<T> =
  | { readonly kind: 'ok'; readonly account: T }
  | { readonly kind: 'failed' }
  | { readonly kind: 'locked'; readonly retryAfterMs: number }
  | { readonly kind: 'limit'; readonly max: number };

export interface LoginGuardDeps {
  readonly throttle: LoginThrottle | null;
  readonly connections: ConnectionLimiter | null;
  readonly peer: string;
  readonly protocol: 'imap' | 'pop3';
  readonly logger: Logger;
}

export class LoginGuard {
  private userSlot: Release | null = null;

  constructor(private readonly deps: LoginGuardDeps) {}

  /** Runs `check` (which verifies the password; null when wrong or unknown) under the throttle. */
  async attempt<T extends { readonly login: string }>(user: string, check: () => Promise<T | null>): Promise<LoginOutcome<T>> {
    const { throttle, peer, protocol, logger } = this.deps;
    const shownUser = user.slice(0, 100);
    if (throttle) {
      const verdict = throttle.verdict(peer, user);
      if (verdict.kind === 'locked') {
        logger.warn({ peer, user: shownUser, protocol, retryAfterMs: verdict.retryAfterMs }, 'login refused: too many failures');
        return verdict;
      }
      if (verdict.delayMs > 0) await throttle.clock.sleep(verdict.delayMs);
      await throttle.turn(peer);
    }
    let account: T | null;
    try {
      account = await check();
    } catch (err) {
      throttle?.failed(peer, user);
      throw err;
    }
    if (!account) {
      throttle?.failed(peer, user);
      logger.warn({ peer, user: shownUser, protocol }, 'login failed');
      return { kind: 'failed' };
    }
    throttle?.succeeded(peer, user);
    const limiter = this.deps.connections;
    if (limiter) {
      this.releaseUser();
      const slot = limiter.openUser(account.login);
      if (!slot) {
        logger.warn({ peer, user: account.login, protocol, max: limiter.maxPerUser }, 'login refused: too many connections for this user');
        return { kind: 'limit', max: limiter.maxPerUser };
      }
      this.userSlot = slot;
    }
    return { kind: 'ok', account };
  }

  /** The session left the authenticated state (UNAUTHENTICATE, logout, close). */
  releaseUser(): void {
    this.userSlot?.();
    this.userSlot = null;
  }
}

/** The sentence a client sees when the throttle refuses (same for known and unknown users). */
export function lockedText(retryAfterMs: number): string {
  const minutes = Math.max(1, Math.ceil(retryAfterMs / 60_000));
  return `Too many failed logins; try again in ${minutes} minute${minutes === 1 ? '' : 's'}`;
}
