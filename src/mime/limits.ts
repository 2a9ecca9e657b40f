/** Documented caps of the MIME indexer (see docs/mime.md). */

/** Entities nested deeper than this (multipart or message levels) are treated as leaves. */
export const MAX_DEPTH = 100;
/** Entities created per message at most; further sibling parts are left out of the structure. */
export const MAX_PARTS = 10000;
/** Longest delimiter line considered when looking for a boundary (RFC 2046 allows 70 + "--"). */
export const MAX_BOUNDARY_LINE = 1000;
/** Characters of decoded text that extractSearchText returns at most. */
export const SEARCH_TEXT_LIMIT = 1024 * 1024;
/**
 * Messages larger than this are parsed in a worker thread by indexMessageAsync. Parsing is
 * linear, but the worst kinds of bytes (a To: list of tiny addresses, thousands of parameters)
 * cost a few microseconds per address or parameter: 32 KiB of them stays within ~20 ms.
 */
export const INLINE_PARSE_LIMIT = 32 * 1024;
/** ... and have at most this many lines starting with "--" (possible part delimiters). */
export const INLINE_DELIMITER_LIMIT = 100;
