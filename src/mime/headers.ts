/**
 * Header block parsing (RFC 5322 section 2.2): field name, raw value bytes, unfolded.
 * Header names live in a Map keyed by lower-case name, so "__proto__" or "constructor" is
 * just another header. Only the first HEADER_PARSE_LIMIT bytes of a block are parsed into
 * fields (the byte range of the whole block is still exact).
 */

/** Bytes of one header block that are parsed into fields; the rest is ignored. */
export const HEADER_PARSE_LIMIT = 1024 * 1024;
/** Fields parsed from one header block at most. */
export const HEADER_FIELD_LIMIT = 10000;

export interface HeaderField {
  /** The field name as written (trailing whitespace before the colon removed). */
  name: string;
  /** The raw value: the bytes after the colon, unfolded (CRLF before WSP removed), trimmed. */
  value: Buffer;
}

const CR = 0x0d;
const LF = 0x0a;
const SP = 0x20;
const TAB = 0x09;
const COLON = 0x3a;

function isWsp(c: number | undefined): boolean {
  return c === SP || c === TAB;
}

/** Removes line breaks (CRLF, bare LF) that are followed by whitespace, and any stray CR LF. */
function unfold(bytes: Buffer): Buffer {
  if (bytes.indexOf(LF) === -1 && bytes.indexOf(CR) === -1) return bytes;
  const out = Buffer.allocUnsafe(bytes.length);
  let o = 0;
  for (let i = 0; i < bytes.length; i++) {
    const c = bytes[i] as number;
    if (c === CR && bytes[i + 1] === LF) { i++; continue; }
    if (c === LF) continue;
    out[o++] = c;
  }
  return out.subarray(0, o);
}

function trimWsp(bytes: Buffer): Buffer {
  let s = 0;
  let e = bytes.length;
  while (s < e && (isWsp(bytes[s]) || bytes[s] === CR || bytes[s] === LF)) s++;
  while (e > s && (isWsp(bytes[e - 1]) || bytes[e - 1] === CR || bytes[e - 1] === LF)) e--;
  return bytes.subarray(s, e);
}

/**
 * Parses a header block (with or without its ending blank line) into fields, in order.
 * Lines without a colon that do not continue a field are skipped.
 */
export function parseHeaders(headerBytes: Buffer): HeaderField[] {
  const limit = Math.min(headerBytes.length, HEADER_PARSE_LIMIT);
  const fields: HeaderField[] = [];
  let pos = 0;
  while (pos < limit && fields.length < HEADER_FIELD_LIMIT) {
    // A field runs from its first line up to the next line that does not start with WSP.
    let lineEnd = headerBytes.indexOf(LF, pos);
    if (lineEnd === -1 || lineEnd >= limit) lineEnd = limit; else lineEnd += 1;
    const lineStart = pos;
    if (lineEnd - lineStart <= 2 && (headerBytes[lineStart] === CR || headerBytes[lineStart] === LF)) break;
    let fieldEnd = lineEnd;
    while (fieldEnd < limit && isWsp(headerBytes[fieldEnd])) {
      const next = headerBytes.indexOf(LF, fieldEnd);
      fieldEnd = next === -1 || next >= limit ? limit : next + 1;
    }
    pos = fieldEnd;
    // Search the colon on this line only: a line without one must not make us scan ahead.
    const found = headerBytes.subarray(lineStart, lineEnd).indexOf(COLON);
    if (found === -1 || isWsp(headerBytes[lineStart])) continue;
    const colon = lineStart + found;
    let nameEnd = colon;
    while (nameEnd > lineStart && isWsp(headerBytes[nameEnd - 1])) nameEnd--;
    if (nameEnd === lineStart) continue;
    const name = headerBytes.toString('latin1', lineStart, nameEnd);
    const value = trimWsp(unfold(headerBytes.subarray(colon + 1, fieldEnd)));
    fields.push({ name, value });
  }
  return fields;
}

/** Header fields grouped by lower-case name, in order of appearance. */
export type HeaderMap = Map<string, Buffer[]>;

export function headerMap(fields: HeaderField[]): HeaderMap {
  const map: HeaderMap = new Map();
  for (const f of fields) {
    const key = f.name.toLowerCase();
    const list = map.get(key);
    if (list) list.push(f.value); else map.set(key, [f.value]);
  }
  return map;
}

/** The first value of a header, or undefined. */
export function firstHeader(map: HeaderMap, name: string): Buffer | undefined {
  return map.get(name)?.[0];
}
