/** Decoded header values (RFC 2047 decoded, unfolded) kept for SEARCH, SORT and listings. */
import { parseMailDate } from './date.js';
import { decodeHeaderValue, headerBytesToString } from './encoded-words.js';
import { firstHeader, type HeaderMap } from './headers.js';
import type { SearchHeaders } from './types.js';

function decoded(headers: HeaderMap, name: string): string {
  const list = headers.get(name);
  if (!list || list.length === 0) return '';
  return list.map((v) => decodeHeaderValue(v)).join(', ');
}

function raw(headers: HeaderMap, name: string): string {
  const value = firstHeader(headers, name);
  return value === undefined ? '' : headerBytesToString(value);
}

export function buildSearchHeaders(headers: HeaderMap): SearchHeaders {
  const date = firstHeader(headers, 'date');
  return {
    subject: decodeHeaderValue(raw(headers, 'subject')),
    from: decoded(headers, 'from'),
    to: decoded(headers, 'to'),
    cc: decoded(headers, 'cc'),
    bcc: decoded(headers, 'bcc'),
    messageId: raw(headers, 'message-id'),
    inReplyTo: raw(headers, 'in-reply-to'),
    references: raw(headers, 'references'),
    date: date === undefined ? null : parseMailDate(headerBytesToString(date)),
  };
}
