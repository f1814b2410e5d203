// The store conformance suite (DESIGN.md rule 5): every Store implementation runs it.
// Usage: storeConformanceSuite('sqlite', async () => ({ store, cleanup })).
// Stores under test must be opened with the fake analyzer (test/store/fake-analyzer.ts).
import { describe } from 'node:test';
import type { Store } from '../../src/store/types.js';
import { mailboxConformance } from './conformance-mailboxes.js';
import { messageConformance } from './conformance-messages.js';
import { mutationConformance } from './conformance-mutations.js';
import { quotaConformance } from './conformance-quota.js';
import { metadataConformance } from './conformance-metadata.js';
import { appendBatchConformance } from './conformance-append-batch.js';
import { scramConformance } from './conformance-scram.js';

export type OpenStore = () => Promise<{ store: Store; cleanup: () => Promise<void> }>;

export function storeConformanceSuite(name: string, open: OpenStore): void {
  describe(`store conformance: ${name}`, () => {
    mailboxConformance(open);
    messageConformance(open);
    mutationConformance(open);
    quotaConformance(open);
    metadataConformance(open);
    appendBatchConformance(open);
    scramConformance(open);
  });
}
