/**
 * Parses IMAP server responses (RFC 3501 section 9, the server side) into plain values:
 * atoms and quoted strings become strings, literals Buffers, NIL null, parenthesized lists arrays.
 */

export type ImapValue = string | Buffer | null | ImapValue[];

/** One response as read from the wire: the text with each literal replaced by LITERAL_MARK. */
export interface RawResponse {
  text: string;
  literals: Buffer[];
}

export const LITERAL_MARK = '\u0001';

class Cursor {
  pos = 0;
  literal = 0;
  constructor(
    readonly text: string,
    readonly literals: Buffer[],
  ) {}
}

function parseValue(c: Cursor): ImapValue {
  const ch = c.text[c.pos];
  if (ch === '(') {
    c.pos++;
    const list: ImapValue[] = [];
    for (;;) {
      while (c.text[c.pos] === ' ') c.pos++;
      if (c.pos >= c.text.length) throw new Error(`unterminated list in: ${c.text.slice(0, 200)}`);
      if (c.text[c.pos] === ')') {
        c.pos++;
        return list;
      }
      list.push(parseValue(c));
    }
  }
  if (ch === '"') {
    let out = '';
    c.pos++;
    while (c.pos < c.text.length && c.text[c.pos] !== '"') {
      if (c.text[c.pos] === '\\') c.pos++;
      out += c.text[c.pos];
      c.pos++;
    }
    if (c.pos >= c.text.length) throw new Error(`unterminated string in: ${c.text.slice(0, 200)}`);
    c.pos++;
    return out;
  }
  if (ch === '{') {
    const close = c.text.indexOf('}', c.pos);
    if (close < 0 || c.text[close + 1] !== LITERAL_MARK) throw new Error(`bad literal in: ${c.text.slice(0, 200)}`);
    c.pos = close + 2;
    const literal = c.literals[c.literal++];
    if (!literal) throw new Error('literal missing');
    return literal;
  }
  // An atom; a section such as BODY[HEADER.FIELDS (SUBJECT)] keeps its brackets and spaces.
  const start = c.pos;
  let depth = 0;
  while (c.pos < c.text.length) {
    const cur = c.text[c.pos];
    if (cur === '[') depth++;
    else if (cur === ']') depth--;
    else if (depth === 0 && (cur === ' ' || cur === ')' || cur === '(')) break;
    c.pos++;
  }
  const atom = c.text.slice(start, c.pos);
  return atom.toUpperCase() === 'NIL' ? null : atom;
}

/** Every value of the text from `from` to the end. */
export function parseValues(raw: RawResponse, from = 0): ImapValue[] {
  const c = new Cursor(raw.text, raw.literals);
  c.pos = from;
  const out: ImapValue[] = [];
  while (c.pos < raw.text.length) {
    if (raw.text[c.pos] === ' ') {
      c.pos++;
      continue;
    }
    out.push(parseValue(c));
  }
  return out;
}

/** The attributes of a "* n FETCH (...)" response, keyed by upper-case name. */
export function fetchAttributes(list: ImapValue): Map<string, ImapValue> {
  const out = new Map<string, ImapValue>();
  if (!Array.isArray(list)) throw new Error('FETCH data is not a list');
  for (let i = 0; i + 1 < list.length; i += 2) {
    const name = list[i];
    if (typeof name !== 'string') throw new Error('FETCH attribute name is not an atom');
    out.set(name.toUpperCase(), list[i + 1]!);
  }
  return out;
}

export function asString(value: ImapValue | undefined): string {
  if (typeof value === 'string') return value;
  if (Buffer.isBuffer(value)) return value.toString('latin1');
  throw new Error(`expected a string, got ${JSON.stringify(value)}`);
}

export function asList(value: ImapValue | undefined): ImapValue[] {
  if (Array.isArray(value)) return value;
  throw new Error(`expected a list, got ${JSON.stringify(value)}`);
}

/** Quotes a string for a command (mailbox names, search keys, passwords). */
export function quote(text: string): string {
  return `"${text.replace(/["\\]/g, (m) => `\\${m}`)}"`;
}
