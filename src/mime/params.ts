/**
 * Content-Type / Content-Disposition values (RFC 2045 section 5.1, RFC 2183) and RFC 2231
 * parameter value continuations, charsets and languages.
 * Lenient: comments are skipped, unquoted values may hold characters a token may not, and an
 * unterminated quoted string runs to the end of the value.
 */
import { decodeCharset } from './charset.js';
import { decodeHeaderValue } from './encoded-words.js';

/** A parameter exactly as written (name as written, value with quoting removed). */
export interface RawParam {
  name: string;
  value: string;
}

export interface ParsedContentValue {
  /** The value before the first ";" (e.g. "text/plain" or "attachment"), trimmed, lower-case. */
  value: string;
  params: RawParam[];
}

/** Skips an RFC 5322 comment starting at value[pos] === "(" and returns the index after it. */
function skipComment(value: string, pos: number): number {
  let depth = 0;
  let i = pos;
  for (; i < value.length; i++) {
    const c = value[i];
    if (c === '\\') { i++; continue; }
    if (c === '(') depth++;
    else if (c === ')') { depth--; if (depth === 0) return i + 1; }
  }
  return i;
}

function skipSpaceAndComments(value: string, pos: number): number {
  let i = pos;
  while (i < value.length) {
    const c = value[i];
    if (c === ' ' || c === '\t' || c === '\r' || c === '\n') i++;
    else if (c === '(') i = skipComment(value, i);
    else break;
  }
  return i;
}

/**
 * text with its RFC 5322 comments replaced by a space (quoted strings kept). Linear: an
 * unclosed "(" runs to the end instead of being searched for again at every position.
 */
export function stripComments(text: string): string {
  if (!text.includes('(')) return text;
  let out = '';
  let depth = 0;
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (c === '\\' && (quoted || depth > 0)) {
      if (depth === 0) out += c + (text[i + 1] ?? '');
      i++;
      continue;
    }
    if (depth === 0 && c === '"') quoted = !quoted;
    if (!quoted && c === '(') { if (depth === 0) out += ' '; depth++; continue; }
    if (!quoted && c === ')' && depth > 0) { depth--; continue; }
    if (depth === 0) out += c;
  }
  return out;
}

/** Parses "main-value; a=b; c="d"" into its value and raw parameters. */
export function parseContentValue(text: string): ParsedContentValue {
  let i = 0;
  let main = '';
  while (i < text.length && text[i] !== ';') {
    if (text[i] === '(') { i = skipComment(text, i); continue; }
    main += text[i];
    i++;
  }
  const params: RawParam[] = [];
  while (i < text.length) {
    i++; // the ";"
    i = skipSpaceAndComments(text, i);
    let name = '';
    while (i < text.length && text[i] !== '=' && text[i] !== ';') { name += text[i]; i++; }
    name = name.trim();
    if (i >= text.length || text[i] === ';') continue; // a parameter without "=": ignored
    i = skipSpaceAndComments(text, i + 1);
    let value = '';
    if (text[i] === '"') {
      i++;
      while (i < text.length && text[i] !== '"') {
        if (text[i] === '\\' && i + 1 < text.length) i++;
        value += text[i];
        i++;
      }
      i++;
      while (i < text.length && text[i] !== ';') i++;
    } else {
      while (i < text.length && text[i] !== ';') {
        if (text[i] === '(') { i = skipComment(text, i); continue; }
        value += text[i];
        i++;
      }
      value = value.trim();
    }
    if (name !== '' && !/[\s"]/.test(name)) params.push({ name, value });
  }
  return { value: main.replace(/[\s"]+/g, '').toLowerCase(), params };
}

/** The raw value of the first parameter with the given name (case-insensitive). */
export function rawParam(params: RawParam[], name: string): string | undefined {
  const lower = name.toLowerCase();
  return params.find((p) => p.name.toLowerCase() === lower)?.value;
}

function percentDecode(text: string): Buffer {
  const out: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x25 && /^[0-9a-fA-F]{2}$/.test(text.slice(i + 1, i + 3))) {
      out.push(parseInt(text.slice(i + 1, i + 3), 16));
      i += 2;
    } else {
      // Non-ASCII characters in a raw 8-bit value keep their UTF-8 bytes.
      if (c < 0x80) out.push(c); else out.push(...Buffer.from(text[i] as string, 'utf8'));
    }
  }
  return Buffer.from(out);
}

interface Segment {
  index: number;
  extended: boolean;
  value: string;
}

/**
 * Parameters decoded for display and matching: RFC 2231 continuations joined, extended
 * values percent-decoded and charset-decoded, RFC 2047 words (Outlook style) decoded.
 * Keys are lower-case names without the "*" suffixes.
 */
export function decodeParams(params: RawParam[]): Map<string, string> {
  const simple = new Map<string, string>();
  const segmented = new Map<string, Segment[]>();
  for (const p of params) {
    const m = /^([^*]+)\*(?:(\d+)(\*)?|)$/.exec(p.name);
    if (!m) {
      const key = p.name.toLowerCase();
      if (!simple.has(key)) simple.set(key, decodeHeaderValue(p.value));
      continue;
    }
    const key = (m[1] ?? '').toLowerCase();
    const index = m[2] === undefined ? 0 : Number(m[2]);
    const extended = m[2] === undefined ? true : m[3] === '*';
    if (index > 1000) continue;
    const list = segmented.get(key) ?? [];
    list.push({ index, extended, value: p.value });
    segmented.set(key, list);
  }
  const result = new Map<string, string>(simple);
  for (const [key, segs] of segmented) {
    segs.sort((a, b) => a.index - b.index);
    let charset = '';
    const bytes: Buffer[] = [];
    segs.forEach((seg, n) => {
      let value = seg.value;
      if (seg.extended && n === 0) {
        const parts = /^([^']*)'([^']*)'(.*)$/s.exec(value);
        if (parts) { charset = parts[1] ?? ''; value = parts[3] ?? ''; }
      }
      bytes.push(seg.extended ? percentDecode(value) : Buffer.from(value, 'utf8'));
    });
    result.set(key, decodeCharset(Buffer.concat(bytes), charset || 'utf-8'));
  }
  return result;
}
