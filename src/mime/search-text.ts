/**
 * Decoded text of a message for the full-text index (SEARCH BODY / TEXT): every text/* part
 * transfer-decoded and charset-decoded to a string (text/html with its tags stripped), and the
 * decoded header fields of every encapsulated message (they are part of the outer body).
 * Parts are separated by a newline. The result is capped at SEARCH_TEXT_LIMIT characters, and
 * of each part at most four bytes per character still wanted are decoded (so the work is
 * bounded by the cap, not by the message size).
 */
import { decodeCharset } from './charset.js';
import { decodeHeaderValue, headerBytesToString } from './encoded-words.js';
import { firstHeader, headerMap, parseHeaders } from './headers.js';
import { htmlToText } from './html-text.js';
import { SEARCH_TEXT_LIMIT } from './limits.js';
import { parseContentValue, rawParam } from './params.js';
import { decodeTransfer } from './transfer-encoding.js';
import type { MessageIndex, MimePart } from './types.js';

const MAX_PART_BYTES = SEARCH_TEXT_LIMIT * 4;

/** The charset an HTML document declares in a <meta> tag near its start, or "". */
function metaCharset(html: Buffer): string {
  const head = html.toString('latin1', 0, Math.min(html.length, 4096));
  return /<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_:.-]+)/i.exec(head)?.[1] ?? '';
}

function partText(raw: Buffer, part: MimePart, wanted: number): string {
  const headers = headerMap(parseHeaders(raw.subarray(part.header.start, part.header.end)));
  const cte = firstHeader(headers, 'content-transfer-encoding');
  const ct = firstHeader(headers, 'content-type');
  const charset = ct ? rawParam(parseContentValue(headerBytesToString(ct)).params, 'charset') ?? '' : '';
  const end = Math.min(part.body.end, part.body.start + Math.min(MAX_PART_BYTES, wanted * 4 + 16));
  const body = raw.subarray(part.body.start, end);
  const decoded = decodeTransfer(body, cte ? cte.toString('latin1') : '');
  const text = decodeCharset(decoded, charset || (part.subtype === 'html' ? metaCharset(decoded) : ''));
  return part.subtype === 'html' ? htmlToText(text) : text;
}

function headerText(raw: Buffer, header: MimePart['header']): string {
  return parseHeaders(raw.subarray(header.start, header.end))
    .map((f) => f.name + ': ' + decodeHeaderValue(f.value))
    .join('\n');
}

export function extractSearchText(raw: Buffer, index: MessageIndex): string {
  const chunks: string[] = [];
  let length = 0;
  const add = (text: string): boolean => {
    if (text === '') return true;
    const room = SEARCH_TEXT_LIMIT - length;
    const piece = text.length > room ? text.slice(0, room) : text;
    chunks.push(piece);
    length += piece.length + 1;
    return length < SEARCH_TEXT_LIMIT;
  };
  // Depth-first walk with an explicit stack (no recursion limit concerns), bounded by the tree.
  const stack: MimePart[] = [index.root];
  while (stack.length > 0) {
    const part = stack.pop() as MimePart;
    if (part.parts) {
      for (let i = part.parts.length - 1; i >= 0; i--) stack.push(part.parts[i] as MimePart);
    } else if (part.message) {
      if (!add(headerText(raw, part.message.header))) break;
      stack.push(part.message);
    } else if (part.type === 'text') {
      if (!add(partText(raw, part, SEARCH_TEXT_LIMIT - length))) break;
    }
  }
  return chunks.join('\n');
}
