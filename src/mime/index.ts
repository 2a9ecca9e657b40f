/**
 * MIME indexing: from the raw bytes of a message, computed once when it is stored, the IMAP
 * ENVELOPE, BODY and BODYSTRUCTURE, the byte range of every part's header and body (so FETCH
 * BODY[1.2], BODY[1.2.MIME], BODY[2.TEXT], HEADER.FIELDS and partial fetches read ranges of
 * the file), decoded search headers and search text, and the decoding helpers (RFC 2047,
 * RFC 2231, quoted-printable, base64, charsets) that search and MailSort use.
 *
 * Stored form and line ends: every message is stored as normalizeLineEndings(raw) — each bare
 * LF becomes CRLF, a bare CR is left as it is. Sizes (RFC822.SIZE, body octets), line counts
 * and byte ranges are computed on, and are exact for, that stored CRLF form, which is also what
 * IMAP and POP3 send. indexMessage expects the normalised bytes.
 *
 * Caps (see limits.ts and docs/mime.md), so that no input can make the work unbounded:
 * - nesting: MAX_DEPTH (100) multipart/message levels; a deeper multipart or message entity is
 *   reported as an application/octet-stream leaf holding the rest of its bytes;
 * - parts: MAX_PARTS (10,000) entities per message; later siblings are left out of the
 *   structure (their bytes stay in the parent multipart's body);
 * - header fields: the first HEADER_PARSE_LIMIT (1 MiB) bytes and HEADER_FIELD_LIMIT (10,000)
 *   fields of each header block are parsed; the block's byte range is always exact;
 * - delimiter lines longer than MAX_BOUNDARY_LINE (1000) bytes are never boundaries;
 * - search text: SEARCH_TEXT_LIMIT (1 Mi) characters.
 * Broken input never throws: a multipart with no boundary parameter, or whose boundary never
 * occurs, is a text/plain leaf; a missing close delimiter ends the multipart at the end of its
 * parent; an unknown charset decodes as UTF-8 if valid, else windows-1252; NUL bytes are dropped
 * from ENVELOPE/BODYSTRUCTURE strings; header names live in Maps ("__proto__" is a header).
 *
 * Work is linear in the message size; indexMessageAsync parses messages over
 * INLINE_PARSE_LIMIT (32 KiB), or with more than INLINE_DELIMITER_LIMIT (100) lines starting
 * with "--", in a worker thread so the event loop is never stalled.
 */
export { normalizeLineEndings } from './line-endings.js';
export { indexMessage } from './index-message.js';
export {
  indexMessageAsync, analyzeMessageAsync, closeIndexWorker, isCheapToIndex, type AnalyzedMessage,
} from './async-index.js';
export { extractSearchText } from './search-text.js';
export { locateSection, findPart, filterHeaderFields, type SectionSpecifier } from './section.js';
export { parseHeaders, headerMap, firstHeader, type HeaderField, type HeaderMap } from './headers.js';
export { decodeHeaderValue, headerBytesToString } from './encoded-words.js';
export { decodeTransfer, decodeBase64, decodeQuotedPrintable } from './transfer-encoding.js';
export { decodeCharset, normalizeCharsetName } from './charset.js';
export {
  parseAddressList, flattenAddresses, decodedName, addressOf,
  type MailAddress, type MailGroup, type AddressListEntry,
} from './address.js';
export { parseContentValue, decodeParams, rawParam, type RawParam, type ParsedContentValue } from './params.js';
export { parseMailDate } from './date.js';
export { htmlToText } from './html-text.js';
export { imapString, imapNString } from './imap-string.js';
export {
  MAX_DEPTH, MAX_PARTS, MAX_BOUNDARY_LINE, SEARCH_TEXT_LIMIT, INLINE_PARSE_LIMIT, INLINE_DELIMITER_LIMIT,
} from './limits.js';
export { HEADER_PARSE_LIMIT, HEADER_FIELD_LIMIT } from './headers.js';
export type { ByteRange, MimePart, MessageIndex, SearchHeaders } from './types.js';
