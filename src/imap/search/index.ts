export { ImapSyntaxError, BadCharsetError, SUPPORTED_SEARCH_CHARSETS } from './errors.js';
export { parseSearchKeys, parseSearchCommand, checkSearchCharset, MAX_SEARCH_DEPTH } from './keys.js';
export type { SearchKey, DateOp } from './keys.js';
export { evaluateSearch, evaluateSearchSequence } from './evaluate.js';
export type { SearchContext } from './evaluate.js';
export type { SearchStore } from './message-reads.js';
export { parseSearchDate, dayNumber, localDayNumber, dateHeaderZone } from './dates.js';
