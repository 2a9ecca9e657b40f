/**
 * The MailSort parser: hand-written recursive descent over the lexer's tokens, following the
 * grammar of docs/mailsort.md. It builds the typed rule tree and slices the source into items
 * (blocks, comment and blank lines) so the printer can give back the file unchanged.
 * Every error names its line and column, what was expected and what was found.
 */
import type {
  Action,
  Condition,
  Day,
  Field,
  FilterDiagnostic,
  FilterTree,
  MatchOp,
  Test,
  VacationSettings,
} from './ast.js';
import { tokenize, type Token } from './lexer.js';
import { isValidHeaderName, isValidForwardAddress, isValidDay, compareDays } from './validate.js';
import { buildItems, type BlockSpan } from './items.js';

export type ParseResult = { ok: true; tree: FilterTree } | { ok: false; errors: FilterDiagnostic[] };

/** Errors reported per file at most; later ones are usually echoes of the first. */
const MAX_ERRORS = 50;

class SyntaxProblem extends Error {
  constructor(
    readonly token: Token,
    message: string,
  ) {
    super(message);
  }
}

/** Describes a token for "found ..." in an error message. */
export function describeToken(t: Token): string {
  switch (t.kind) {
    case 'word':
      return `'${t.text}'`;
    case 'string':
      return `the string ${t.text.length > 40 ? `${t.text.slice(0, 37)}..."` : t.text}`;
    case 'textblock':
      return 'a text block';
    case 'number':
      return `the number ${t.text}`;
    case 'date':
      return `the date ${t.text}`;
    case 'comma':
      return `','`;
    case 'eol':
      return 'end of line';
    case 'comment':
      return 'a comment';
    case 'eof':
      return 'end of file';
    case 'badchar':
    case 'error':
      return t.value;
  }
}

class Parser {
  private readonly tokens: Token[];
  private pos = 0;
  readonly errors: FilterDiagnostic[] = [];
  readonly blocks: BlockSpan[] = [];
  private sawVacation = false;

  constructor(text: string) {
    // Comments are ignored wherever a line may end; the items keep their text.
    this.tokens = tokenize(text).filter((t) => t.kind !== 'comment');
  }

  private peek(): Token {
    return this.tokens[this.pos] ?? (this.tokens[this.tokens.length - 1] as Token);
  }

  private next(): Token {
    const t = this.peek();
    if (t.kind !== 'eof') this.pos++;
    return t;
  }

  private fail(t: Token, expected: string): never {
    if (t.kind === 'error') throw new SyntaxProblem(t, t.value);
    throw new SyntaxProblem(t, `expected ${expected}, found ${describeToken(t)}`);
  }

  private isWord(t: Token, ...words: string[]): boolean {
    return t.kind === 'word' && words.includes(t.text.toLowerCase());
  }

  private expectWord(word: string, expected = `'${word}'`): Token {
    const t = this.peek();
    if (!this.isWord(t, word)) this.fail(t, expected);
    return this.next();
  }

  private expectString(expected: string): Token {
    const t = this.peek();
    if (t.kind !== 'string') this.fail(t, expected);
    return this.next();
  }

  /** One or more line ends (or the end of the file, which also ends the last line). Returns the first. */
  private expectEol(expected = 'end of line'): Token {
    const t = this.peek();
    if (t.kind === 'eof') return t;
    if (t.kind !== 'eol') this.fail(t, expected);
    this.next();
    while (this.peek().kind === 'eol') this.next();
    return t;
  }

  parseFile(): void {
    for (let guard = 0; guard <= this.tokens.length; guard++) {
      const t = this.peek();
      if (t.kind === 'eof') return;
      if (t.kind === 'eol') {
        this.next();
        continue;
      }
      const startPos = this.pos;
      try {
        if (this.isWord(t, 'rule')) this.parseRule();
        else if (this.isWord(t, 'vacation')) this.parseVacation();
        else this.fail(t, `'rule' or 'vacation'`);
      } catch (err) {
        if (!(err instanceof SyntaxProblem)) throw err;
        this.errors.push({ line: err.token.line, column: err.token.column, message: err.message });
        if (this.errors.length >= MAX_ERRORS) return;
        this.recover(startPos);
      }
    }
  }

  /** Skips to the line after the next `end` line, or to the next line that starts a rule. */
  private recover(startPos: number): void {
    if (this.pos === startPos) this.next();
    // The token that failed may itself start a line (a `rule` after a block missing its `end`).
    let atLineStart = this.pos === 0 || this.tokens[this.pos - 1]?.kind === 'eol';
    for (;;) {
      const t = this.peek();
      if (t.kind === 'eof') return;
      if (t.kind === 'eol') {
        atLineStart = true;
        this.next();
        continue;
      }
      if (atLineStart && this.isWord(t, 'rule')) return;
      if (atLineStart && this.isWord(t, 'end')) {
        this.next();
        while (this.peek().kind !== 'eol' && this.peek().kind !== 'eof') this.next();
        return;
      }
      atLineStart = false;
      this.next();
    }
  }

  private parseRule(): void {
    const first = this.expectWord('rule');
    const name = this.expectString(`the rule's name (a quoted string)`);
    let disabled = false;
    let disabledEnd = name.end;
    if (this.isWord(this.peek(), 'disabled')) {
      disabled = true;
      disabledEnd = this.next().end;
    }
    this.expectEol(`'disabled' or end of line`);
    const condition = this.parseCondition();
    this.expectEol(this.conditionFollow(condition));
    const actions: Action[] = [this.parseAction('an action (move, copy, forward, reject, vacation, discard, stop)')];
    for (;;) {
      this.expectEol(this.actionFollow(actions[actions.length - 1] as Action));
      if (this.isWord(this.peek(), 'end')) break;
      actions.push(this.parseAction(`an action or 'end'`));
    }
    this.next();
    const end = this.closeBlock();
    this.blocks.push({
      kind: 'rule',
      start: first.start,
      end,
      rule: { name: name.value, disabled, condition, actions },
      disabledSpan: { start: name.end, end: disabledEnd },
    });
  }

  /** After `end`: the line end; returns the offset just past it (the block's end). */
  private closeBlock(): number {
    const t = this.peek();
    if (t.kind === 'eof') return t.end;
    if (t.kind !== 'eol') this.fail(t, 'end of line');
    this.next();
    return t.end;
  }

  private conditionFollow(c: Condition): string {
    if (c.kind === 'always') return 'end of line';
    if (c.tests.length === 1) return `'and', 'or' or end of line`;
    return `'${c.kind}' or end of line`;
  }

  private actionFollow(a: Action): string {
    return a.kind === 'forward' ? `',' or end of line` : 'end of line';
  }

  private parseCondition(): Condition {
    const t = this.peek();
    if (this.isWord(t, 'always')) {
      this.next();
      return { kind: 'always' };
    }
    if (!this.isWord(t, 'if')) this.fail(t, `'always' or 'if'`);
    this.next();
    const tests: Test[] = [this.parseTest()];
    let joiner: 'and' | 'or' | null = null;
    for (;;) {
      const j = this.peek();
      if (!this.isWord(j, 'and', 'or')) break;
      const word = j.text.toLowerCase() as 'and' | 'or';
      if (joiner !== null && word !== joiner) {
        throw new SyntaxProblem(j, `expected '${joiner}' or end of line (a rule uses 'and' or 'or', not both), found '${j.text}'`);
      }
      joiner = word;
      this.next();
      tests.push(this.parseTest());
    }
    return { kind: joiner ?? 'and', tests };
  }

  private parseTest(): Test {
    let not = false;
    if (this.isWord(this.peek(), 'not')) {
      this.next();
      not = true;
    }
    const t = this.peek();
    if (this.isWord(t, 'size')) {
      this.next();
      const cmpTok = this.peek();
      if (!this.isWord(cmpTok, 'over', 'under')) this.fail(cmpTok, `'over' or 'under'`);
      this.next();
      const { bytes, text } = this.parseSize();
      return { kind: 'size', not, cmp: cmpTok.text.toLowerCase() as 'over' | 'under', bytes, text };
    }
    const field = this.parseField();
    const op = this.parseOp();
    const value = this.expectString('the text to compare with (a quoted string)');
    return { kind: 'header', not, field, op, value: value.value };
  }

  private parseField(): Field {
    const t = this.peek();
    if (t.kind === 'word') {
      const w = t.text.toLowerCase();
      if (w === 'from' || w === 'to' || w === 'cc' || w === 'bcc') {
        this.next();
        return { kind: w };
      }
      if (w === 'subject') {
        this.next();
        return { kind: 'subject' };
      }
      if (w === 'header') {
        this.next();
        const name = this.peek();
        if (name.kind !== 'string') this.fail(name, 'the header field name (a quoted string)');
        if (!isValidHeaderName(name.value)) this.fail(name, 'a header field name (printable characters, no spaces or colon)');
        this.next();
        return { kind: 'header', name: name.value };
      }
    }
    return this.fail(t, `a field (from, to, cc, bcc, subject, header) or 'size'`);
  }

  private parseOp(): MatchOp {
    const t = this.peek();
    const expected = `'contains', 'is', 'begins with', 'ends with' or 'matches'`;
    if (t.kind !== 'word') this.fail(t, expected);
    const w = t.text.toLowerCase();
    if (w === 'contains' || w === 'is' || w === 'matches') {
      this.next();
      return w;
    }
    if (w === 'begins' || w === 'ends') {
      this.next();
      this.expectWord('with');
      return w;
    }
    return this.fail(t, expected);
  }

  private parseSize(): { bytes: number; text: string } {
    const expected = 'a size (a number, optionally followed by K or M)';
    const n = this.peek();
    if (n.kind !== 'number') this.fail(n, expected);
    this.next();
    let text = n.text;
    let factor = 1;
    const unit = this.peek();
    if (this.isWord(unit, 'k', 'm')) {
      this.next();
      factor = unit.text.toLowerCase() === 'k' ? 1024 : 1024 * 1024;
      text += unit.start === n.end ? unit.text : ` ${unit.text}`;
    }
    const bytes = Number(n.text) * factor;
    if (!Number.isSafeInteger(bytes)) this.fail(n, `a size below ${Number.MAX_SAFE_INTEGER} bytes`);
    return { bytes, text };
  }

  private parseFolder(): string {
    const t = this.peek();
    if (t.kind !== 'string') this.fail(t, 'a folder name (a quoted string)');
    if (t.value.trim() === '') this.fail(t, 'a folder name');
    this.next();
    return t.value;
  }

  private parseAction(expected: string): Action {
    const t = this.peek();
    if (t.kind !== 'word') this.fail(t, expected);
    switch (t.text.toLowerCase()) {
      case 'move':
        this.next();
        this.expectWord('to');
        return { kind: 'move', folder: this.parseFolder() };
      case 'copy':
        this.next();
        this.expectWord('to');
        return { kind: 'copy', folder: this.parseFolder() };
      case 'forward': {
        this.next();
        this.expectWord('to');
        const to = [this.parseAddress()];
        while (this.peek().kind === 'comma') {
          this.next();
          to.push(this.parseAddress());
        }
        return { kind: 'forward', to };
      }
      case 'reject': {
        this.next();
        const r = this.peek();
        if (r.kind === 'string') {
          this.next();
          return { kind: 'reject', reason: r.value };
        }
        if (r.kind !== 'eol' && r.kind !== 'eof') this.fail(r, 'a reason (a quoted string) or end of line');
        return { kind: 'reject', reason: null };
      }
      case 'vacation':
        this.next();
        return { kind: 'vacation' };
      case 'discard':
        this.next();
        return { kind: 'discard' };
      case 'stop':
        this.next();
        return { kind: 'stop' };
      default:
        return this.fail(t, expected);
    }
  }

  private parseAddress(): string {
    const t = this.peek();
    if (t.kind !== 'string') this.fail(t, 'an address (a quoted string)');
    if (!isValidForwardAddress(t.value)) this.fail(t, 'an e-mail address');
    this.next();
    return t.value.trim();
  }

  private parseVacation(): void {
    const first = this.expectWord('vacation');
    if (this.sawVacation) throw new SyntaxProblem(first, `expected at most one vacation block, found a second one`);
    this.sawVacation = true;
    this.expectEol();
    const v: VacationSettings = { subject: null, body: null, days: null, activeFrom: null, activeUntil: null, addresses: [] };
    const seen = new Set<string>();
    const expected = `a vacation setting (subject, body, days, active, addresses) or 'end'`;
    for (;;) {
      const t = this.peek();
      if (this.isWord(t, 'end')) break;
      if (t.kind !== 'word') this.fail(t, expected);
      const key = t.text.toLowerCase();
      if (!['subject', 'body', 'days', 'active', 'addresses'].includes(key)) this.fail(t, expected);
      if (seen.has(key)) throw new SyntaxProblem(t, `expected one '${key}' line in the vacation block, found a second one`);
      seen.add(key);
      this.next();
      this.parseVacationItem(key, v);
      this.expectEol(key === 'addresses' ? `',' or end of line` : 'end of line');
    }
    this.next();
    const end = this.closeBlock();
    this.blocks.push({ kind: 'vacation', start: first.start, end, vacation: v });
  }

  private parseVacationItem(key: string, v: VacationSettings): void {
    switch (key) {
      case 'subject':
        v.subject = this.expectString('the subject (a quoted string)').value;
        return;
      case 'body': {
        const t = this.peek();
        if (t.kind !== 'string' && t.kind !== 'textblock') this.fail(t, `the body (a quoted string or a '"""' text block)`);
        this.next();
        v.body = t.value;
        return;
      }
      case 'days': {
        const t = this.peek();
        if (t.kind !== 'number') this.fail(t, 'a number of days from 1 to 60');
        const n = Number(t.text);
        if (n < 1 || n > 60) this.fail(t, 'a number of days from 1 to 60');
        this.next();
        v.days = n;
        return;
      }
      case 'active': {
        const t = this.peek();
        if (this.isWord(t, 'from')) {
          this.next();
          v.activeFrom = this.parseDate();
          if (this.isWord(this.peek(), 'until')) {
            this.next();
            const untilTok = this.peek();
            v.activeUntil = this.parseDate();
            if (compareDays(v.activeUntil, v.activeFrom) < 0) {
              throw new SyntaxProblem(untilTok, `expected a last day not before the first day, found ${untilTok.text}`);
            }
          }
          const after = this.peek();
          if (after.kind !== 'eol' && after.kind !== 'eof') this.fail(after, `'until' or end of line`);
          return;
        }
        if (this.isWord(t, 'until')) {
          this.next();
          v.activeUntil = this.parseDate();
          return;
        }
        return this.fail(t, `'from' or 'until'`);
      }
      case 'addresses': {
        v.addresses.push(this.parseAddress());
        while (this.peek().kind === 'comma') {
          this.next();
          v.addresses.push(this.parseAddress());
        }
        return;
      }
    }
  }

  private parseDate(): Day {
    const t = this.peek();
    const expected = 'a date (YYYY-MM-DD)';
    if (t.kind !== 'date') this.fail(t, expected);
    const [y, m, d] = t.text.split('-').map(Number) as [number, number, number];
    const day: Day = { year: y, month: m, day: d };
    if (!isValidDay(day)) this.fail(t, 'a valid calendar date (YYYY-MM-DD)');
    this.next();
    return day;
  }
}

/** Parses a whole filter file. Never throws on bad input: errors come back as diagnostics. */
export function parseFilter(text: string): ParseResult {
  const parser = new Parser(text);
  parser.parseFile();
  if (parser.errors.length > 0) return { ok: false, errors: parser.errors };
  const eol = /\r\n/.test(text) && !/(?<!\r)\n/.test(text) ? '\r\n' : '\n';
  return { ok: true, tree: { items: buildItems(text, parser.blocks), eol } };
}

export function formatDiagnostic(d: FilterDiagnostic): string {
  return `line ${d.line}, column ${d.column}: ${d.message}`;
}

/** The check `msgstore filter check`, the admin service and the web UI use. */
export function checkFilterText(
  text: string,
): { ok: true } | { ok: false; errors: { line: number; column: number; message: string }[] } {
  const r = parseFilter(text);
  return r.ok ? { ok: true } : { ok: false, errors: r.errors };
}
