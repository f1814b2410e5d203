// In-process change notification (DESIGN.md "Sessions see changes through the store"): the store
// emits after each commit; listeners only wake up and then ask the store what changed.
import type { ChangeListener } from './types.js';

export class ChangeNotifier {
  private readonly listeners = new Set<ChangeListener>();

  on(listener: ChangeListener): () => void {
    // Wrap so that one listener added twice still gets two independent unsubscribes.
    const entry: ChangeListener = (id, modseq) => listener(id, modseq);
    this.listeners.add(entry);
    return () => {
      this.listeners.delete(entry);
    };
  }

  /** Called after a commit. A throwing listener must not turn a committed change into an error for
   *  the caller (rule 1: the caller would report failure for mail that is stored), so errors are
   *  reported as process warnings instead. */
  emit(mailboxId: number, modseq: number): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(mailboxId, modseq);
      } catch (err) {
        process.emitWarning(`store change listener threw: ${err instanceof Error ? err.stack ?? err.message : String(err)}`);
      }
    }
  }

  get size(): number {
    return this.listeners.size;
  }
}
