// The selected view's updates for one session (RFC 9051 §7.5.1, RFC 2177): which store changes
// concern it, pulling them, and sending what may be sent at a safe point (before a tagged answer,
// or at once while the client idles). Kept apart from session.ts, which decides when.
import type { Logger } from 'pino';
import type { Store } from '../store/types.js';
import type { ImapData } from './wire/data.js';
import type { SessionState } from './commands/types.js';
import type { SessionMode } from './session-mode.js';

/** What the updates need from their session. */
export interface UpdatesHost {
  readonly store: Store;
  readonly mode: SessionMode;
  readonly log: Logger;
  readonly state: SessionState;
  readonly closing: boolean;
  untagged(parts: ImapData[]): Promise<void>;
  /** `* BYE` and close (the selected mailbox is gone). */
  bye(text: string): Promise<void>;
}

const DONE: Promise<void> = Promise.resolve();

export class SelectedUpdates {
  /** The store signalled a change to the selected mailbox not yet pulled. */
  private dirty = false;
  /** The highest MODSEQ signalled since: a signal the view already holds (its own STORE) needs no pull. */
  private signalled = 0;
  private idling = false;
  /** Runs are serialized: each waits for the one before it. */
  private chain: Promise<void> = DONE;
  /** Runs started and not yet finished. */
  private running = 0;

  constructor(private readonly host: UpdatesHost) {}

  /** A new state (SELECT, CLOSE, LOGOUT...): changes signalled for the old view are moot. */
  reset(): void {
    this.dirty = false;
    this.signalled = 0;
  }

  /** The store's change signal (Store.onChange). */
  onStoreChange(mailboxId: number, modseq: number): void {
    const s = this.host.state;
    if (s.kind !== 'selected' || s.view.mailbox.id !== mailboxId || modseq <= s.view.modseq) return;
    this.dirty = true;
    if (modseq > this.signalled) this.signalled = modseq;
    // RFC 2177: an idling client hears at once.
    if (this.idling) void this.send(true);
  }

  /** IDLE starts (updates are pushed as they come, starting with what is pending) or ends. */
  setIdling(on: boolean): void {
    this.idling = on;
    if (on) void this.send(true);
  }

  /** Pulls store changes (when any were signalled, or `force`) and sends what may be sent. Serialized. */
  send(allowExpunge: boolean, force = false): Promise<void> {
    const host = this.host;
    // Nothing signalled, nothing waiting in the view and no run before this one: nothing to pull or
    // send, so no run (and no promise hop) before the tagged answer of every command.
    if (!force && !this.dirty && this.running === 0) {
      const s = host.state;
      if (s.kind !== 'selected' || host.closing || !s.view.hasPending) return DONE;
    }
    this.running++;
    const run = this.chain.then(async () => {
      const s = host.state;
      if (s.kind !== 'selected' || host.closing) return;
      const view = s.view;
      // The session's own flag change is in its view already (SelectedView.noteOwnChanges): no pull.
      const stale = this.dirty && this.signalled > view.modseq;
      this.dirty = false;
      if (stale || force) {
        const box = await host.store.getMailboxById(view.mailbox.id);
        if (!box) {
          // The mailbox was deleted under us (RFC 9051 §7.1.5 lets BYE end the session).
          await host.bye('The selected mailbox was deleted');
          return;
        }
        // Nothing committed since the view's MODSEQ (every change, expunges too, raises HIGHESTMODSEQ):
        // no second read, which is what a NOOP or an IDLE wake-up in a quiet mailbox comes to.
        if (box.highestModseq > view.modseq) view.apply(await host.store.changesSince(view.mailbox.id, view.modseq));
        // IMAP4rev1 \Recent: the first session to hear of a message gets it (RFC 3501 §2.3.2).
        if (!host.mode.rev2 && !view.readOnly && view.pendingNewCount > 0) view.claimRecent(await host.store.claimRecent(view.mailbox.id));
      }
      if (host.state !== s) return;
      const mode = host.mode;
      for (const response of view.flush({ allowExpunge, rev2: mode.rev2, condstore: mode.condstore, qresync: mode.qresync })) await host.untagged([...response]);
    });
    this.chain = run.then(
      () => void this.running--,
      (err: unknown) => {
        this.running--;
        if (!host.closing) host.log.error({ err }, 'sending mailbox updates failed');
      },
    );
    return run;
  }
}
