export { ImapSyntaxError } from './errors.js';
export { parseFetchItems } from './items.js';
export type { FetchItem, FetchMacro, FetchPartial, FetchRequest } from './items.js';
export { parseSection, formatSection } from './section.js';
export type { SectionSpec, SectionText } from './section.js';
export { buildFetchResponse, replaceNul } from './response.js';
export type { FetchSource, FetchResponseOptions } from './response.js';
export { formatImapDateTime, MONTHS } from './date-time.js';
