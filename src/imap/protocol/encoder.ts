/**
 * The response encoder: builds server responses as bytes, choosing for each string the form the
 * grammar allows and the bytes need (atom, quoted string or literal).
 */

/** A value in a server response. */
export type ResponseValue =
  | { type: 'atom'; value: string }
  | { type: 'string'; value: string | Buffer }
  | { type: 'astring'; value: string | Buffer }
  | { type: 'number'; value: number }
  | { type: 'list'; items: ResponseValue[] }
  | { type: 'nil' }
  /** Bytes already in wire form (a cached ENVELOPE, a BODYSTRUCTURE). */
  | { type: 'raw'; value: Buffer | string };

export const atom = (value: string): ResponseValue => ({ type: 'atom', value });
export const str = (value: string | Buffer): ResponseValue => ({ type: 'string', value });
export const astr = (value: string | Buffer): ResponseValue => ({ type: 'astring', value });
export const num = (value: number): ResponseValue => ({ type: 'number', value });
export const list = (items: ResponseValue[]): ResponseValue => ({ type: 'list', items });
export const nil: ResponseValue = { type: 'nil' };
export const raw = (value: Buffer | string): ResponseValue => ({ type: 'raw', value });
export const nstr = (value: string | Buffer | null | undefined): ResponseValue =>
  value === null || value === undefined ? nil : str(value);

/** Longest string sent quoted; longer ones go as literals. */
const MAX_QUOTED = 1024;

function toBuffer(value: string | Buffer): Buffer {
  return typeof value === 'string' ? Buffer.from(value, 'utf8') : value;
}

/** True when every byte is an ATOM-CHAR (resp-specials "]" included, as in ASTRING-CHAR). */
function isAstringAtom(b: Buffer): boolean {
  if (b.length === 0) return false;
  for (const c of b) {
    if (c <= 0x20 || c >= 0x7f) return false;
    // atom-specials: ( ) { SP CTL % * " \  (the "]" of ASTRING-CHAR is allowed)
    if (c === 0x28 || c === 0x29 || c === 0x7b || c === 0x25 || c === 0x2a || c === 0x22 || c === 0x5c) return false;
  }
  return !(b.length === 3 && b.toString('latin1').toUpperCase() === 'NIL');
}

/** True when the bytes may go in a quoted string (7-bit TEXT-CHARs, no NUL, CR or LF). */
function isQuotable(b: Buffer): boolean {
  if (b.length > MAX_QUOTED) return false;
  for (const c of b) {
    if (c === 0 || c === 0x0d || c === 0x0a || c >= 0x80) return false;
  }
  return true;
}

/** Encodes a string as quoted or literal, whichever its bytes allow. */
export function encodeString(value: string | Buffer): Buffer {
  const b = toBuffer(value);
  if (isQuotable(b)) {
    return Buffer.from(`"${b.toString('latin1').replace(/[\\"]/g, (ch) => `\\${ch}`)}"`, 'latin1');
  }
  return Buffer.concat([Buffer.from(`{${b.length}}\r\n`, 'latin1'), b]);
}

/** Encodes an astring: a bare atom when possible, else quoted or literal. */
export function encodeAstring(value: string | Buffer): Buffer {
  const b = toBuffer(value);
  return isAstringAtom(b) ? b : encodeString(b);
}

export function encodeValue(v: ResponseValue): Buffer {
  const parts: Buffer[] = [];
  appendValue(parts, v);
  return parts.length === 1 ? (parts[0] as Buffer) : Buffer.concat(parts);
}

function appendValue(parts: Buffer[], v: ResponseValue): void {
  switch (v.type) {
    case 'atom':
      parts.push(Buffer.from(v.value, 'latin1'));
      return;
    case 'string':
      parts.push(encodeString(v.value));
      return;
    case 'astring':
      parts.push(encodeAstring(v.value));
      return;
    case 'number':
      parts.push(Buffer.from(String(v.value), 'latin1'));
      return;
    case 'nil':
      parts.push(Buffer.from('NIL', 'latin1'));
      return;
    case 'raw':
      parts.push(typeof v.value === 'string' ? Buffer.from(v.value, 'utf8') : v.value);
      return;
    case 'list': {
      parts.push(Buffer.from('(', 'latin1'));
      v.items.forEach((item, i) => {
        if (i > 0) parts.push(Buffer.from(' ', 'latin1'));
        appendValue(parts, item);
      });
      parts.push(Buffer.from(')', 'latin1'));
      return;
    }
  }
}

/** Joins values with single spaces (the body of an untagged response). */
export function encodeValues(values: ResponseValue[]): Buffer {
  const parts: Buffer[] = [];
  values.forEach((v, i) => {
    if (i > 0) parts.push(Buffer.from(' ', 'latin1'));
    appendValue(parts, v);
  });
  return Buffer.concat(parts);
}

/** Makes free text safe for resp-text: no CR, LF or NUL, and no "[" at the start. */
export function safeText(text: string): string {
  const clean = text.replace(/[\r\n\0]+/g, ' ').trim();
  const t = clean.length === 0 ? 'Done' : clean;
  return t.startsWith('[') ? ` ${t}` : t;
}

export type Status = 'OK' | 'NO' | 'BAD' | 'BYE' | 'PREAUTH';

/** `* OK [CODE] text` or `tag NO [CODE] text`. */
export function statusLine(tag: string, status: Status, text: string, code?: string): Buffer {
  const c = code ? `[${code}] ` : '';
  return Buffer.from(`${tag} ${status} ${c}${safeText(text)}\r\n`, 'utf8');
}

/** `* <values>` as one response line (a value may contain literals). */
export function untagged(values: ResponseValue[]): Buffer {
  return Buffer.concat([Buffer.from('* ', 'latin1'), encodeValues(values), Buffer.from('\r\n', 'latin1')]);
}

export function continuation(text: string): Buffer {
  return Buffer.from(`+ ${safeText(text)}\r\n`, 'utf8');
}
