// One object per store instance, shared by every session of the process over that store (the
// per-mailbox caches); it goes away with the store (WeakMap).
import type { Store } from '../store/types.js';

export function perStore<T>(make: (store: Store) => T): (store: Store) => T {
  const made = new WeakMap<Store, T>();
  return (store) => {
    let value = made.get(store);
    if (value === undefined) {
      value = make(store);
      made.set(store, value);
    }
    return value;
  };
}
