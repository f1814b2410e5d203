// SORT and THREAD (RFC 5256, RFC 5957 DISPLAY sort keys): pure functions over the matching
// messages. The search part stays in src/search; the commands are in src/imap/commands/sort.ts, thread.ts.
export { baseSubject, type BaseSubject } from './base-subject.js';
export { sortItems, sortOrder } from './sort.js';
export { sentDate, sortKey, sortNeeds } from './keys.js';
export { threadOrderedSubject } from './thread-ordered.js';
export { threadFacts, threadReferences } from './thread-references.js';
export { formatThreads } from './format.js';
export { messageIds } from './message-id.js';
export type { SortCriterion, SortFacts, SortItem, SortKeyName, SortKeyOf, SortNeeds, ThreadFacts, ThreadNode } from './types.js';
