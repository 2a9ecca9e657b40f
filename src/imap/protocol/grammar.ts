/**
 * The grammar half of the command parser: turns one complete command (its line segments and the
 * literals between them) into an ImapCommand. Pure and non-recursive: lists and section specs
 * are nested with an explicit, bounded stack.
 */
import type { ImapAtom, ImapCommand, ImapValue } from './types.js';

/** A syntax error in a complete command; `tag` and `name` are known when they parsed. */
export class CommandSyntaxError extends Error {
  constructor(
    message: string,
    readonly commandTag: string | null,
    readonly commandName: string | null,
  ) {
    super(message);
    this.name = 'CommandSyntaxError';
  }
}

/**
 * One complete command as framed by the streaming parser: segment i (for i < last) ends with a
 * literal marker `{n}` or `{n+}` and literals[i] holds that literal's bytes.
 */
export interface FramedCommand {
  segments: Buffer[];
  literals: Buffer[];
}

const SP = 0x20;
const LPAREN = 0x28;
const RPAREN = 0x29;
const DQUOTE = 0x22;
const BACKSLASH = 0x5c;
const LBRACE = 0x7b;
const LBRACKET = 0x5b;
const RBRACKET = 0x5d;
const LT = 0x3c;

/** Atoms whose "[" opens a FETCH section spec rather than being a plain atom character. */
const SECTION_ATOMS = new Set(['BODY', 'BODY.PEEK', 'BINARY', 'BINARY.PEEK', 'BINARY.SIZE']);
const MAX_UINT32 = 4294967295;

/** Default bound on nesting of parentheses and brackets. */
export const DEFAULT_MAX_DEPTH = 32;

function isCtl(b: number): boolean {
  return b < 0x20 || b === 0x7f;
}

/** Parses a string of decimal digits into a 32-bit unsigned number, checking the digits first. */
export function parseNumber32(text: string): number | null {
  if (!/^[0-9]{1,10}$/.test(text)) return null;
  if (text.length === 10 && text > '4294967295') return null;
  const n = Number(text);
  return n <= MAX_UINT32 ? n : null;
}

/** True when `b` may appear in a tag (ASTRING-CHAR except "+"). */
function isTagChar(b: number): boolean {
  if (isCtl(b) || b >= 0x80) return false;
  return !(b === SP || b === LPAREN || b === RPAREN || b === LBRACE || b === 0x25 || b === 0x2a || b === DQUOTE || b === BACKSLASH || b === 0x2b);
}

type Frame =
  | { kind: 'top'; items: ImapValue[] }
  | { kind: 'list'; items: ImapValue[] }
  | { kind: 'section'; items: ImapValue[]; atom: string };

class Cursor {
  seg = 0;
  pos = 0;
  constructor(readonly cmd: FramedCommand) {}
  get buf(): Buffer {
    return this.cmd.segments[this.seg] ?? Buffer.alloc(0);
  }
  /** True at the very end of the command. */
  atEnd(): boolean {
    return this.seg === this.cmd.segments.length - 1 && this.pos >= this.buf.length;
  }
  /** True at the end of the current segment (end of command, or just before a literal's bytes). */
  atSegmentEnd(): boolean {
    return this.pos >= this.buf.length;
  }
  peek(): number {
    return this.pos < this.buf.length ? (this.buf[this.pos] as number) : -1;
  }
}

/** Reads the tag and command name from the start of a line (for error replies before a full parse). */
export function peekTagAndName(line: Buffer): { tag: string | null; name: string | null } {
  let i = 0;
  while (i < line.length && isTagChar(line[i] as number)) i++;
  if (i === 0 || (i < line.length && line[i] !== SP)) return { tag: null, name: null };
  const tag = line.subarray(0, i).toString('latin1');
  let j = i + 1;
  while (j < line.length && /[A-Za-z]/.test(String.fromCharCode(line[j] as number))) j++;
  let name = line.subarray(i + 1, j).toString('latin1').toUpperCase();
  if (name === 'UID' && line[j] === SP) {
    let k = j + 1;
    while (k < line.length && /[A-Za-z]/.test(String.fromCharCode(line[k] as number))) k++;
    name = line.subarray(j + 1, k).toString('latin1').toUpperCase();
  }
  return { tag, name: name.length > 0 ? name : null };
}

/** Parses a complete framed command. Throws CommandSyntaxError. */
export function parseFramedCommand(cmd: FramedCommand, maxDepth = DEFAULT_MAX_DEPTH): ImapCommand {
  const c = new Cursor(cmd);
  const first = c.buf;
  let i = 0;
  while (i < first.length && isTagChar(first[i] as number)) i++;
  if (i === 0) throw new CommandSyntaxError('Missing or invalid command tag', null, null);
  const tag = first.subarray(0, i).toString('latin1');
  if (i < first.length && first[i] !== SP) throw new CommandSyntaxError('Invalid characters in command tag', null, null);
  if (i >= first.length) throw new CommandSyntaxError('Missing command', tag, null);
  c.pos = i + 1;
  const readWord = (): string => {
    const start = c.pos;
    while (c.pos < c.buf.length && /[A-Za-z0-9]/.test(String.fromCharCode(c.buf[c.pos] as number))) c.pos++;
    return c.buf.subarray(start, c.pos).toString('latin1').toUpperCase();
  };
  let name = readWord();
  if (name.length === 0) throw new CommandSyntaxError('Missing or invalid command name', tag, null);
  let uid = false;
  if (name === 'UID') {
    if (c.peek() !== SP) throw new CommandSyntaxError('UID needs a command', tag, 'UID');
    c.pos++;
    uid = true;
    name = readWord();
    if (name.length === 0) throw new CommandSyntaxError('UID needs a command', tag, 'UID');
  }
  const fail = (message: string): never => {
    throw new CommandSyntaxError(message, tag, name);
  };
  if (!c.atSegmentEnd() && c.peek() !== SP) fail('Invalid characters after command name');
  const args = parseArguments(c, maxDepth, fail);
  return { tag, name, uid, args };
}

function parseArguments(c: Cursor, maxDepth: number, fail: (m: string) => never): ImapValue[] {
  const stack: Frame[] = [{ kind: 'top', items: [] }];
  // After an item we need a separator (SP) or a closing bracket; at the start, or after "(", an item.
  let expectSeparator = true;
  for (;;) {
    const frame = stack[stack.length - 1] as Frame;
    if (c.atSegmentEnd()) {
      if (!c.atEnd()) fail('Unexpected literal');
      if (frame.kind !== 'top') fail(frame.kind === 'list' ? 'Missing ")"' : 'Missing "]"');
      return frame.items;
    }
    const b = c.peek();
    if (b === RPAREN || (b === RBRACKET && frame.kind === 'section')) {
      if (b === RPAREN && frame.kind !== 'list') fail('Unexpected ")"');
      c.pos++;
      stack.pop();
      const parent = stack[stack.length - 1] as Frame;
      if (frame.kind === 'list') parent.items.push({ type: 'list', items: frame.items });
      else if (frame.kind === 'section') parent.items.push(finishSectionAtom(c, frame.atom, frame.items, fail));
      expectSeparator = true;
      continue;
    }
    if (expectSeparator) {
      if (b !== SP) fail('Expected a space between arguments');
      c.pos++;
      // Tolerate one trailing space at the end of the command (some clients send it).
      if (frame.kind === 'top' && c.atEnd()) return frame.items;
      expectSeparator = false;
      continue;
    }
    if (b === LPAREN) {
      if (stack.length > maxDepth) fail('Too deeply nested');
      c.pos++;
      stack.push({ kind: 'list', items: [] });
      continue; // an empty list "()" closes right away; otherwise an item follows
    }
    if (b === SP) fail('Unexpected space');
    if (b === DQUOTE) {
      frame.items.push({ type: 'string', value: readQuoted(c, fail), literal: false });
    } else if (b === LBRACE) {
      frame.items.push({ type: 'string', value: readLiteral(c, fail), literal: true });
    } else {
      const sectionAtom = readAtomText(c, frame.kind === 'section', fail);
      if (c.peek() === LBRACKET && SECTION_ATOMS.has(sectionAtom.toUpperCase())) {
        if (stack.length > maxDepth) fail('Too deeply nested');
        c.pos++;
        stack.push({ kind: 'section', items: [], atom: sectionAtom });
        continue;
      }
      if (sectionAtom.toUpperCase() === 'NIL') frame.items.push({ type: 'nil' });
      else frame.items.push({ type: 'atom', value: sectionAtom });
    }
    expectSeparator = true;
  }
}

/** Reads atom characters; inside a section spec "]" ends the atom. "[" is kept unless it opens a section. */
function readAtomText(c: Cursor, inSection: boolean, fail: (m: string) => never): string {
  const buf = c.buf;
  const start = c.pos;
  while (c.pos < buf.length) {
    const b = buf[c.pos] as number;
    if (b === SP || b === LPAREN || b === RPAREN) break;
    if (b === RBRACKET && inSection) break;
    if (b === LBRACKET) {
      const soFar = buf.subarray(start, c.pos).toString('latin1').toUpperCase();
      if (SECTION_ATOMS.has(soFar)) break;
    }
    if (isCtl(b)) fail('Invalid control character');
    if (b === DQUOTE || b === LBRACE) fail(`Unexpected "${String.fromCharCode(b)}" in atom`);
    c.pos++;
  }
  if (c.pos === start) fail('Expected an argument');
  return buf.subarray(start, c.pos).toString('utf8');
}

function finishSectionAtom(c: Cursor, atom: string, section: ImapValue[], fail: (m: string) => never): ImapAtom {
  const result: ImapAtom = { type: 'atom', value: atom, section };
  if (c.peek() === LT) {
    const buf = c.buf;
    const end = buf.indexOf('>', c.pos);
    if (end < 0) fail('Unterminated partial specifier');
    const text = buf.subarray(c.pos + 1, end).toString('latin1');
    const m = /^([0-9]+)\.([0-9]+)$/.exec(text);
    const offset = m ? parseNumber32(m[1] as string) : null;
    const length = m ? parseNumber32(m[2] as string) : null;
    if (offset === null || length === null || length === 0) fail('Invalid partial specifier');
    result.partial = { offset: offset as number, length: length as number };
    c.pos = end + 1;
  }
  const next = c.peek();
  if (!(c.atSegmentEnd() || next === SP || next === RPAREN)) fail('Invalid characters after section');
  return result;
}

function readQuoted(c: Cursor, fail: (m: string) => never): Buffer {
  const buf = c.buf;
  c.pos++; // opening quote
  const out: number[] = [];
  while (c.pos < buf.length) {
    const b = buf[c.pos] as number;
    c.pos++;
    if (b === DQUOTE) return Buffer.from(out);
    if (b === BACKSLASH) {
      const e = buf[c.pos];
      if (e !== DQUOTE && e !== BACKSLASH) fail('Invalid escape in quoted string');
      out.push(e as number);
      c.pos++;
      continue;
    }
    if (b === 0x0d || b === 0x0a || b === 0) fail('Invalid character in quoted string');
    out.push(b);
  }
  return fail('Unterminated quoted string');
}

function readLiteral(c: Cursor, fail: (m: string) => never): Buffer {
  const buf = c.buf;
  const m = /^\{([0-9]+)\+?\}$/.exec(buf.subarray(c.pos).toString('latin1'));
  if (!m) fail('Invalid literal');
  const literal = c.cmd.literals[c.seg];
  if (literal === undefined) fail('Invalid literal');
  c.seg++;
  c.pos = 0;
  return literal as Buffer;
}
