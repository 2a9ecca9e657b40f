/**
 * SEARCH criteria (RFC 3501 6.4.4 and section 9, `search-key`): from the parsed command
 * arguments to a SearchKey tree. Throws ImapSyntaxError (answer BAD) for malformed criteria and
 * BadCharsetError (answer NO [BADCHARSET ...]) for an unsupported CHARSET.
 */
import type { ImapValue } from '../protocol/types.js';
import type { TextSearchTarget } from '../../store/types.js';
import { parseSequenceSet, type SequenceSet } from '../sequence/index.js';
import { ImapSyntaxError, BadCharsetError } from './errors.js';
import { parseSearchDate, type DateOp } from './dates.js';

export type { DateOp };

export type SearchKey =
  | { type: 'all' }
  | { type: 'and'; keys: SearchKey[] }
  | { type: 'or'; left: SearchKey; right: SearchKey }
  | { type: 'not'; key: SearchKey }
  /** A system flag or keyword, set (present) or not set. */
  | { type: 'flag'; flag: string; present: boolean }
  | { type: 'recent'; present: boolean }
  /** `day` is a day number (see dates.ts). */
  | { type: 'date'; field: 'internal' | 'sent'; op: DateOp; day: number }
  | { type: 'size'; op: 'larger' | 'smaller'; size: number }
  | { type: 'text'; target: TextSearchTarget; value: string }
  | { type: 'header'; name: string; value: string }
  | { type: 'seq'; set: SequenceSet }
  | { type: 'uid'; set: SequenceSet };

/** Parentheses, NOT and OR may nest this deep; deeper criteria are refused. */
export const MAX_SEARCH_DEPTH = 64;

const FLAG_KEYS: Record<string, { flag: string; present: boolean }> = {
  ANSWERED: { flag: '\\Answered', present: true },
  DELETED: { flag: '\\Deleted', present: true },
  DRAFT: { flag: '\\Draft', present: true },
  FLAGGED: { flag: '\\Flagged', present: true },
  SEEN: { flag: '\\Seen', present: true },
  UNANSWERED: { flag: '\\Answered', present: false },
  UNDELETED: { flag: '\\Deleted', present: false },
  UNDRAFT: { flag: '\\Draft', present: false },
  UNFLAGGED: { flag: '\\Flagged', present: false },
  UNSEEN: { flag: '\\Seen', present: false },
};

const TEXT_KEYS: Record<string, TextSearchTarget> = {
  BCC: 'bcc',
  BODY: 'body',
  CC: 'cc',
  FROM: 'from',
  SUBJECT: 'subject',
  TEXT: 'text',
  TO: 'to',
};

const DATE_KEYS: Record<string, { field: 'internal' | 'sent'; op: DateOp }> = {
  BEFORE: { field: 'internal', op: 'before' },
  ON: { field: 'internal', op: 'on' },
  SINCE: { field: 'internal', op: 'since' },
  SENTBEFORE: { field: 'sent', op: 'before' },
  SENTON: { field: 'sent', op: 'on' },
  SENTSINCE: { field: 'sent', op: 'since' },
};

const has = (table: object, key: string): boolean => Object.prototype.hasOwnProperty.call(table, key);

const NUMBER = /^[0-9]{1,10}$/;
/** A flag keyword or system flag as an atom (flag-keyword, or "\" atom). */
const FLAG = /^\\?[^\x00-\x20\x7f-\xff(){%*"\\\]]+$/;
const FIELD_NAME = /^[\x21-\x39\x3b-\x7e]+$/;

/** Checks the CHARSET argument; returns the canonical name. */
export function checkSearchCharset(charset: string): 'UTF-8' | 'US-ASCII' {
  const upper = charset.toUpperCase();
  if (upper === 'UTF-8' || upper === 'UTF8') return 'UTF-8';
  if (upper === 'US-ASCII' || upper === 'ASCII') return 'US-ASCII';
  throw new BadCharsetError(charset);
}

class KeyReader {
  private pos = 0;

  constructor(
    private readonly args: readonly ImapValue[],
    private readonly charset: 'UTF-8' | 'US-ASCII',
  ) {}

  get done(): boolean {
    return this.pos >= this.args.length;
  }

  private next(what: string): ImapValue {
    const value = this.args[this.pos];
    if (value === undefined) throw new ImapSyntaxError(`SEARCH: missing ${what}`);
    this.pos += 1;
    return value;
  }

  /** An astring argument as text (strings decoded; 8-bit US-ASCII text is read as UTF-8 too). */
  private astring(key: string): string {
    const value = this.next(`argument of ${key}`);
    switch (value.type) {
      case 'string':
        // Clients send UTF-8 even under US-ASCII; reading it as UTF-8 keeps such searches useful.
        return value.value.toString('utf8');
      case 'atom':
        if (value.section !== undefined || value.partial !== undefined) break;
        return value.value;
      case 'nil':
        return 'NIL';
      case 'list':
        break;
    }
    throw new ImapSyntaxError(`SEARCH: ${key} takes a string`);
  }

  private atom(key: string): string {
    const value = this.next(`argument of ${key}`);
    if (value.type === 'atom' && value.section === undefined && value.partial === undefined) return value.value;
    throw new ImapSyntaxError(`SEARCH: ${key} takes an atom`);
  }

  private date(key: string): number {
    const value = this.next(`date after ${key}`);
    const text = value.type === 'atom' && value.section === undefined ? value.value : value.type === 'string' ? value.value.toString('latin1') : '';
    const day = parseSearchDate(text);
    if (day === null) throw new ImapSyntaxError(`SEARCH: ${key} needs a date like 1-Feb-1994`);
    return day;
  }

  private number(key: string): number {
    const text = this.atom(key);
    const n = NUMBER.test(text) ? Number(text) : NaN;
    if (!(n <= 4294967295)) throw new ImapSyntaxError(`SEARCH: ${key} needs a number`);
    return n;
  }

  private sequenceSet(text: string, key: string): SequenceSet {
    const set = parseSequenceSet(text);
    if (set === null) throw new ImapSyntaxError(`SEARCH: invalid sequence set after ${key}`);
    return set;
  }

  /** Reads one search-key. */
  key(depth: number): SearchKey {
    if (depth > MAX_SEARCH_DEPTH) throw new ImapSyntaxError('SEARCH: criteria nested too deeply');
    const value = this.next('search key');
    if (value.type === 'list') {
      if (value.items.length === 0) throw new ImapSyntaxError('SEARCH: empty parenthesised list');
      const inner = new KeyReader(value.items, this.charset);
      return inner.all(depth + 1);
    }
    if (value.type !== 'atom' || value.section !== undefined || value.partial !== undefined) {
      throw new ImapSyntaxError('SEARCH: expected a search key');
    }
    const word = value.value;
    const name = word.toUpperCase();
    const first = word.charCodeAt(0);
    if ((first >= 0x30 && first <= 0x39) || word.startsWith('*')) return { type: 'seq', set: this.sequenceSet(word, 'SEARCH') };
    if (has(FLAG_KEYS, name)) {
      const f = FLAG_KEYS[name] as { flag: string; present: boolean };
      return { type: 'flag', flag: f.flag, present: f.present };
    }
    if (has(TEXT_KEYS, name)) return { type: 'text', target: TEXT_KEYS[name] as TextSearchTarget, value: this.astring(name) };
    if (has(DATE_KEYS, name)) {
      const d = DATE_KEYS[name] as { field: 'internal' | 'sent'; op: DateOp };
      return { type: 'date', field: d.field, op: d.op, day: this.date(name) };
    }
    switch (name) {
      case 'ALL':
        return { type: 'all' };
      case 'NEW':
        return {
          type: 'and',
          keys: [
            { type: 'recent', present: true },
            { type: 'flag', flag: '\\Seen', present: false },
          ],
        };
      case 'OLD':
        return { type: 'recent', present: false };
      case 'RECENT':
        return { type: 'recent', present: true };
      case 'KEYWORD':
      case 'UNKEYWORD': {
        const flag = this.atom(name);
        if (!FLAG.test(flag)) throw new ImapSyntaxError(`SEARCH: invalid keyword after ${name}`);
        return { type: 'flag', flag, present: name === 'KEYWORD' };
      }
      case 'LARGER':
      case 'SMALLER':
        return { type: 'size', op: name === 'LARGER' ? 'larger' : 'smaller', size: this.number(name) };
      case 'HEADER': {
        const field = this.astring(name);
        if (!FIELD_NAME.test(field)) throw new ImapSyntaxError('SEARCH: invalid header field name');
        return { type: 'header', name: field, value: this.astring(name) };
      }
      case 'UID':
        return { type: 'uid', set: this.sequenceSet(this.atom(name), name) };
      case 'NOT':
        return { type: 'not', key: this.key(depth + 1) };
      case 'OR': {
        const left = this.key(depth + 1);
        const right = this.key(depth + 1);
        return { type: 'or', left, right };
      }
      default:
        throw new ImapSyntaxError(`SEARCH: unknown search key ${word}`);
    }
  }

  /** Reads keys up to the end; several keys are ANDed. */
  all(depth: number): SearchKey {
    const keys: SearchKey[] = [];
    while (!this.done) keys.push(this.key(depth));
    if (keys.length === 0) throw new ImapSyntaxError('SEARCH needs at least one search key');
    return keys.length === 1 ? (keys[0] as SearchKey) : { type: 'and', keys };
  }
}

/**
 * Parses search keys (the arguments after any `CHARSET name`). `charset` is the CHARSET the
 * client gave, or 'US-ASCII' when it gave none.
 */
export function parseSearchKeys(args: readonly ImapValue[], charset: string): SearchKey {
  return new KeyReader(args, checkSearchCharset(charset)).all(0);
}

function isAtomNamed(value: ImapValue | undefined, name: string): boolean {
  return value !== undefined && value.type === 'atom' && value.section === undefined && value.value.toUpperCase() === name;
}

/**
 * Parses the whole argument list of SEARCH / UID SEARCH, including an optional leading
 * `CHARSET name`.
 */
export function parseSearchCommand(args: readonly ImapValue[]): { charset: 'UTF-8' | 'US-ASCII'; key: SearchKey } {
  let charset = 'US-ASCII';
  let rest = args;
  if (isAtomNamed(args[0], 'CHARSET')) {
    const value = args[1];
    if (value === undefined) throw new ImapSyntaxError('SEARCH: CHARSET needs a charset name');
    if (value.type === 'string') charset = value.value.toString('latin1');
    else if (value.type === 'atom' && value.section === undefined) charset = value.value;
    else throw new ImapSyntaxError('SEARCH: CHARSET needs a charset name');
    rest = args.slice(2);
  }
  const canonical = checkSearchCharset(charset);
  return { charset: canonical, key: parseSearchKeys(rest, canonical) };
}
