/**
 * RFC 2047 encoded-word decoding for header values, lenient as real mail requires:
 * encoded words are also decoded inside quoted strings and when glued to other text,
 * whitespace between adjacent encoded words is dropped, and adjacent words in the same charset
 * are joined before charset decoding (so a multi-byte character split across two words
 * survives). Unknown charsets fall back to UTF-8 or windows-1252; nothing throws.
 */
import { decodeCharset, decodeUnknown } from './charset.js';
import { decodeBase64 } from './transfer-encoding.js';

const ENCODED_WORD = /=\?([^?\s]+)\?([bBqQ])\?([^?]*)\?=/g;

/** Q encoding (RFC 2047 4.2): "_" is a space, "=XX" a byte. */
function decodeQ(text: string): Buffer {
  const out: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x5f) { out.push(0x20); continue; }
    if (c === 0x3d && /^[0-9a-fA-F]{2}$/.test(text.slice(i + 1, i + 3))) {
      out.push(parseInt(text.slice(i + 1, i + 3), 16));
      i += 2;
      continue;
    }
    // Raw 8-bit text inside a word (seen in the wild) keeps its UTF-8 bytes.
    if (c < 0x80) out.push(c); else out.push(...Buffer.from(text[i] as string, 'utf8'));
  }
  return Buffer.from(out);
}

/** Header bytes as a string: UTF-8 when valid (RFC 6532), otherwise windows-1252. */
export function headerBytesToString(value: Buffer): string {
  return decodeUnknown(value);
}

interface Word {
  start: number;
  end: number;
  charset: string;
  bytes: Buffer;
}

/** A header value with its RFC 2047 encoded words decoded. */
export function decodeHeaderValue(value: Buffer | string): string {
  const text = typeof value === 'string' ? value : headerBytesToString(value);
  if (!text.includes('=?')) return text;
  const words: Word[] = [];
  ENCODED_WORD.lastIndex = 0;
  for (let m = ENCODED_WORD.exec(text); m !== null; m = ENCODED_WORD.exec(text)) {
    const charset = (m[1] ?? '').toLowerCase();
    const encoding = (m[2] ?? 'q').toLowerCase();
    const payload = m[3] ?? '';
    const bytes = encoding === 'b' ? decodeBase64(Buffer.from(payload, 'latin1')) : decodeQ(payload);
    words.push({ start: m.index, end: m.index + m[0].length, charset, bytes });
  }
  if (words.length === 0) return text;
  let out = '';
  let pos = 0;
  let i = 0;
  while (i < words.length) {
    const first = words[i] as Word;
    out += text.slice(pos, first.start);
    // Join following words separated only by whitespace; same-charset runs share one decode.
    const chunks: Buffer[] = [first.bytes];
    let charset = first.charset;
    let end = first.end;
    let j = i + 1;
    while (j < words.length) {
      const next = words[j] as Word;
      if (!/^[ \t\r\n]*$/.test(text.slice(end, next.start))) break;
      if (next.charset !== charset) {
        out += decodeCharset(Buffer.concat(chunks), charset);
        chunks.length = 0;
        charset = next.charset;
      }
      chunks.push(next.bytes);
      end = next.end;
      j++;
    }
    out += decodeCharset(Buffer.concat(chunks), charset);
    pos = end;
    i = j;
  }
  return out + text.slice(pos);
}
