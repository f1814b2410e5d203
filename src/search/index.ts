// The SEARCH module's public face (DESIGN.md src/search).
export { searchMessages } from './search.js';
export type { MessageWalk, SearchContext, SearchMessage, SentDate } from './types.js';
export { SUPPORTED_SEARCH_CHARSETS, charsetSupported, decodeSearchString, UnsupportedCharsetError } from './charset.js';
export { foldCase } from './fold.js';
