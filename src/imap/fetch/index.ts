// FETCH response data (DESIGN.md src/imap: one module per idea).
export { buildFetchData, fetchItemName, fetchNeedsSummary, fetchSetsSeen } from './build.js';
export { UnknownCteError } from './errors.js';
export { imapDateTime } from './format.js';
export type { FetchDeps, FetchOptions, FetchTarget } from './types.js';
