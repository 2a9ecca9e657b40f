/**
 * The MailSort lexer: splits filter text into tokens. Each token rule is a sticky regular
 * expression tried at the current position; the lexer never throws — text it cannot read
 * becomes an `error` token carrying the reason, which the parser reports in order.
 */

export type TokenKind =
  | 'word'
  | 'string'
  | 'textblock'
  | 'number'
  | 'date'
  | 'comma'
  | 'eol'
  | 'comment'
  /** A character no token starts with; the parser says what it expected there. */
  | 'badchar'
  /** Text that cannot be read (an unterminated string, a bad escape); `value` is the message. */
  | 'error'
  | 'eof';

export interface Token {
  kind: TokenKind;
  /** The exact source text of the token. */
  text: string;
  /** Strings and text blocks: the decoded value; errors: the message; bad characters: their description. */
  value: string;
  start: number;
  end: number;
  /** 1-based position of the token's first character. */
  line: number;
  column: number;
}

/** The token rules. Order matters: a text block opener is tried before a string, a date before a number. */
const RULES = {
  whitespace: /[ \t\f\v\u00a0\ufeff]+/y,
  eol: /\r\n|\n|\r/y,
  comment: /#[^\r\n]*/y,
  textblock: /"""[ \t]*(?:\r\n|\n|\r)((?:(?![ \t]*""")[^\r\n]*(?:\r\n|\n|\r))*)[ \t]*"""/y,
  textblockOpen: /"""[ \t]*(?:\r\n|\n|\r)/y,
  string: /"((?:[^"\\]|\\["\\])*)"/y,
  date: /[0-9]{4}-[0-9]{2}-[0-9]{2}(?![A-Za-z0-9_-])/y,
  number: /[0-9]+/y,
  word: /[A-Za-z_][A-Za-z0-9_-]*/y,
  comma: /,/y,
} as const;

/** Maps offsets to 1-based line and column numbers. */
export class LineMap {
  private readonly starts: number[] = [0];

  constructor(text: string) {
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 10) this.starts.push(i + 1);
      else if (c === 13) {
        if (text.charCodeAt(i + 1) === 10) i++;
        this.starts.push(i + 1);
      }
    }
  }

  position(offset: number): { line: number; column: number } {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((this.starts[mid] ?? 0) <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - (this.starts[lo] ?? 0) + 1 };
  }

  /** Offset of the start of the given 1-based line. */
  lineStart(line: number): number {
    return this.starts[line - 1] ?? 0;
  }
}

function execAt(re: RegExp, text: string, at: number): RegExpExecArray | null {
  re.lastIndex = at;
  return re.exec(text);
}

/** Removes the lines' common leading white space (blank lines do not count and become empty). */
export function dedentTextBlock(body: string): string {
  const lines = body.split(/\r\n|\n|\r/);
  // The body ends with a line end, which leaves one empty string after the split.
  lines.pop();
  let common: string | null = null;
  for (const line of lines) {
    if (line.trim() === '') continue;
    const indent = /^[ \t]*/.exec(line)?.[0] ?? '';
    if (common === null) common = indent;
    else {
      let n = 0;
      while (n < common.length && n < indent.length && common[n] === indent[n]) n++;
      common = common.slice(0, n);
    }
  }
  const cut = common?.length ?? 0;
  return lines.map((line) => (line.trim() === '' ? '' : line.slice(cut))).join('\n');
}

/** Explains why a string starting at `at` did not match the string rule; returns the error's end too. */
function diagnoseString(text: string, at: number): { message: string; end: number } {
  for (let i = at + 1; i < text.length; i++) {
    const c = text[i];
    if (c === '"') return { message: 'invalid string', end: i + 1 };
    if (c === '\\') {
      const next = text[i + 1];
      if (next !== '"' && next !== '\\') {
        // Skip to the string's end, so the rest of the line is not read as new tokens.
        let end = i + 1;
        while (end < text.length && text[end] !== '"') end += text[end] === '\\' ? 2 : 1;
        const found = next === undefined ? 'end of file' : next === '\n' || next === '\r' ? 'end of line' : `'${next}'`;
        return {
          message: `expected '"' or '\\' after '\\' in a string, found ${found}`,
          end: Math.min(end + 1, text.length),
        };
      }
      i++;
    }
  }
  return { message: `unterminated string: expected a closing '"', found end of file`, end: text.length };
}

export function tokenize(text: string): Token[] {
  const map = new LineMap(text);
  const tokens: Token[] = [];
  let pos = 0;

  const push = (kind: TokenKind, start: number, end: number, value?: string): void => {
    const { line, column } = map.position(start);
    const raw = text.slice(start, end);
    tokens.push({ kind, text: raw, value: value ?? raw, start, end, line, column });
  };

  while (pos < text.length) {
    let m = execAt(RULES.whitespace, text, pos);
    if (m) {
      pos += m[0].length;
      continue;
    }
    m = execAt(RULES.eol, text, pos);
    if (m) {
      push('eol', pos, pos + m[0].length);
      pos += m[0].length;
      continue;
    }
    m = execAt(RULES.comment, text, pos);
    if (m) {
      push('comment', pos, pos + m[0].length);
      pos += m[0].length;
      continue;
    }
    if (text.startsWith('"""', pos)) {
      m = execAt(RULES.textblock, text, pos);
      if (m) {
        push('textblock', pos, pos + m[0].length, dedentTextBlock(m[1] ?? ''));
        pos += m[0].length;
        continue;
      }
      if (!execAt(RULES.textblockOpen, text, pos)) {
        const after = /[^ \t]/.exec(text.slice(pos + 3, pos + 200));
        const found = after ? `'${after[0]}'` : 'end of file';
        push('error', pos, pos + 3, `expected end of line after '"""', found ${found}`);
        pos += 3;
        continue;
      }
      // An unterminated text block swallows the rest of the file, like an unterminated string.
      push('error', pos, text.length, `unterminated text block: expected a line holding only '"""', found end of file`);
      pos = text.length;
      continue;
    }
    if (text[pos] === '"') {
      m = execAt(RULES.string, text, pos);
      if (m) {
        const value = (m[1] ?? '').replace(/\\(["\\])/g, '$1');
        push('string', pos, pos + m[0].length, value);
        pos += m[0].length;
        continue;
      }
      const bad = diagnoseString(text, pos);
      push('error', pos, bad.end, bad.message);
      pos = bad.end;
      continue;
    }
    m = execAt(RULES.date, text, pos) ?? execAt(RULES.number, text, pos);
    if (m) {
      push(m[0].length === 10 && m[0].includes('-') ? 'date' : 'number', pos, pos + m[0].length);
      pos += m[0].length;
      continue;
    }
    m = execAt(RULES.word, text, pos);
    if (m) {
      push('word', pos, pos + m[0].length);
      pos += m[0].length;
      continue;
    }
    m = execAt(RULES.comma, text, pos);
    if (m) {
      push('comma', pos, pos + 1);
      pos += 1;
      continue;
    }
    const cp = text.codePointAt(pos) ?? 0;
    const width = cp > 0xffff ? 2 : 1;
    push('badchar', pos, pos + width, `the character ${describeChar(cp)}`);
    pos += width;
  }
  push('eof', text.length, text.length, '');
  return tokens;
}

function describeChar(cp: number): string {
  if (cp < 0x20 || cp === 0x7f || (cp >= 0x80 && cp < 0xa0)) return `U+${cp.toString(16).toUpperCase().padStart(4, '0')}`;
  return `'${String.fromCodePoint(cp)}'`;
}
