/**
 * The streaming IMAP command parser. Bytes go in with `push`; `next()` answers one of: a complete
 * command, "need more bytes", "a literal of n bytes announced" (the session then accepts it,
 * sending "+" for a synchronizing literal, or rejects it), or a protocol error. Pure: no sockets,
 * no timers. Nothing is buffered without bound: a line over the limit is reported at once and
 * the rest of it is skipped as it arrives; a rejected non-synchronizing literal is skipped by
 * counting, never stored.
 */
import { CommandSyntaxError, DEFAULT_MAX_DEPTH, parseFramedCommand, parseNumber32, peekTagAndName } from './grammar.js';
import type { ImapCommand } from './types.js';

export interface ParserLimits {
  /** Bytes of command text (all line segments of one command, literals excluded). */
  maxLineBytes: number;
  /** Nesting of parentheses and section brackets. */
  maxDepth?: number;
}

export type ParseResult =
  | { kind: 'command'; command: ImapCommand }
  | { kind: 'need-more' }
  | {
      kind: 'need-literal';
      size: number;
      nonSync: boolean;
      tag: string | null;
      name: string | null;
      /** Literal bytes this command already carries (to bound a command's total size). */
      literalBytesSoFar: number;
    }
  | {
      kind: 'error';
      tag: string | null;
      name: string | null;
      message: string;
      /** The line or a literal was over a limit. */
      tooLong: boolean;
      /** The stream cannot be resynchronised (the connection should close). */
      fatal: boolean;
    };

type State =
  | { kind: 'line' }
  | { kind: 'await-decision'; size: number; nonSync: boolean }
  | { kind: 'literal'; remaining: number; chunks: Buffer[] }
  | { kind: 'discard-literal'; remaining: number }
  | { kind: 'discard-line'; tail: string };

const LF = 0x0a;
const CR = 0x0d;
const DQUOTE = 0x22;
const BACKSLASH = 0x5c;
const LITERAL_MARKER = /\{([0-9]+)(\+?)\}$/;
const EMPTY = Buffer.alloc(0);
/** Left-over input smaller than this is copied, so an idle session never pins a socket's read buffer. */
const COPY_BELOW = 4096;

export class CommandParser {
  private input: Buffer = Buffer.alloc(0);
  private state: State = { kind: 'line' };
  /** Bytes of the current line already scanned (no LF among them). */
  private scanned = 0;
  private inQuote = false;
  private escaped = false;
  private segments: Buffer[] = [];
  private literals: Buffer[] = [];
  private lineBytes = 0;
  private literalBytes = 0;
  private limits: Required<ParserLimits>;

  constructor(limits: ParserLimits) {
    this.limits = { maxDepth: DEFAULT_MAX_DEPTH, ...limits };
  }

  setLimits(limits: ParserLimits): void {
    this.limits = { maxDepth: DEFAULT_MAX_DEPTH, ...limits };
  }

  push(bytes: Uint8Array): void {
    const chunk = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes);
    this.input = this.input.length === 0 ? chunk : Buffer.concat([this.input, chunk]);
  }

  /** Drops consumed input; a small remainder is copied out of the (possibly large) chunk it came in. */
  private compact(): void {
    if (this.input.length === 0) this.input = EMPTY;
    else if (this.input.length < COPY_BELOW && this.input.buffer.byteLength > this.input.length * 4) this.input = Buffer.from(this.input);
  }

  /** Bytes received but not yet consumed. */
  get buffered(): number {
    return this.input.length;
  }

  /** Forgets every byte received and any partial command (STARTTLS: plaintext sent early is never run). */
  reset(): void {
    this.input = EMPTY;
    this.state = { kind: 'line' };
    this.resetCommand();
  }

  /** Accept the announced literal: its bytes become part of the command. */
  acceptLiteral(): void {
    if (this.state.kind !== 'await-decision') throw new Error('no literal is awaiting a decision');
    this.literalBytes += this.state.size;
    this.state = { kind: 'literal', remaining: this.state.size, chunks: [] };
  }

  /**
   * Refuse the announced literal: the command is dropped. A synchronizing literal was never sent
   * (the client waits for "+"); a non-synchronizing one is on its way and is skipped by counting.
   */
  rejectLiteral(): void {
    if (this.state.kind !== 'await-decision') throw new Error('no literal is awaiting a decision');
    this.state = this.state.nonSync ? { kind: 'discard-literal', remaining: this.state.size } : { kind: 'line' };
    this.resetCommand();
  }

  /**
   * Takes one raw line (without CRLF), outside the command grammar: the client's answers during
   * AUTHENTICATE and the DONE that ends IDLE. Only valid between commands.
   */
  takeLine(maxBytes: number): { kind: 'line'; line: Buffer } | { kind: 'need-more' } | { kind: 'too-long' } {
    if (this.state.kind !== 'line' || this.segments.length > 0) throw new Error('takeLine() in the middle of a command');
    const lf = this.input.indexOf(LF);
    if (lf < 0) {
      if (this.input.length > maxBytes) {
        this.input = Buffer.alloc(0);
        this.scanned = 0;
        this.state = { kind: 'discard-line', tail: '' };
        return { kind: 'too-long' };
      }
      return { kind: 'need-more' };
    }
    const end = lf > 0 && this.input[lf - 1] === CR ? lf - 1 : lf;
    const line = this.input.subarray(0, end);
    this.input = this.input.subarray(lf + 1);
    this.scanned = 0;
    this.inQuote = false;
    this.escaped = false;
    if (line.length > maxBytes) return { kind: 'too-long' };
    return { kind: 'line', line };
  }

  next(): ParseResult {
    const result = this.step();
    if (result.kind === 'need-more' || result.kind === 'command') this.compact();
    return result;
  }

  private step(): ParseResult {
    for (;;) {
      const state = this.state;
      switch (state.kind) {
        case 'await-decision':
          throw new Error('a literal is awaiting acceptLiteral() or rejectLiteral()');
        case 'literal': {
          if (this.input.length === 0) return { kind: 'need-more' };
          const take = Math.min(state.remaining, this.input.length);
          state.chunks.push(this.input.subarray(0, take));
          this.input = this.input.subarray(take);
          state.remaining -= take;
          if (state.remaining > 0) return { kind: 'need-more' };
          this.literals.push(state.chunks.length === 1 ? (state.chunks[0] as Buffer) : Buffer.concat(state.chunks));
          this.state = { kind: 'line' };
          continue;
        }
        case 'discard-literal': {
          if (this.input.length === 0) return { kind: 'need-more' };
          const take = Math.min(state.remaining, this.input.length);
          this.input = this.input.subarray(take);
          state.remaining -= take;
          if (state.remaining > 0) return { kind: 'need-more' };
          this.state = { kind: 'discard-line', tail: '' };
          continue;
        }
        case 'discard-line': {
          const lf = this.input.indexOf(LF);
          const upTo = lf < 0 ? this.input.length : lf;
          state.tail = (state.tail + this.input.subarray(Math.max(0, upTo - 16), upTo).toString('latin1')).slice(-16);
          if (lf < 0) {
            this.input = Buffer.alloc(0);
            return { kind: 'need-more' };
          }
          this.input = this.input.subarray(lf + 1);
          const m = LITERAL_MARKER.exec(state.tail.replace(/\r$/, ''));
          if (m && m[2] === '+') {
            const size = parseNumber32(m[1] as string);
            if (size === null) return this.fatal(null, null, 'Literal size out of range');
            this.state = { kind: 'discard-literal', remaining: size };
            continue;
          }
          this.state = { kind: 'line' };
          continue;
        }
        case 'line': {
          const result = this.scanLine();
          if (result) return result;
          continue;
        }
      }
    }
  }

  /** Scans the current line; returns a result, or null when the state moved on. */
  private scanLine(): ParseResult | null {
    const input = this.input;
    let i = this.scanned;
    for (; i < input.length; i++) {
      const b = input[i] as number;
      if (b === LF) break;
      if (b === 0) return this.lineError(i, 'NUL characters are not allowed');
      if (this.inQuote) {
        if (this.escaped) this.escaped = false;
        else if (b === BACKSLASH) this.escaped = true;
        else if (b === DQUOTE) this.inQuote = false;
      } else if (b === DQUOTE) this.inQuote = true;
    }
    this.scanned = i;
    if (this.lineBytes + i > this.limits.maxLineBytes) return this.lineError(i, 'Command line too long', true);
    if (i >= input.length) return { kind: 'need-more' };
    // A complete line (without its CRLF).
    const end = i > 0 && input[i - 1] === CR ? i - 1 : i;
    const line = input.subarray(0, end);
    this.input = input.subarray(i + 1);
    this.scanned = 0;
    const inQuote = this.inQuote;
    this.inQuote = false;
    this.escaped = false;
    this.lineBytes += i + 1;
    this.segments.push(line);
    const tailText = line.subarray(Math.max(0, line.length - 14)).toString('latin1');
    const marker = inQuote ? null : LITERAL_MARKER.exec(tailText);
    if (marker) {
      const size = parseNumber32(marker[1] as string);
      const nonSync = marker[2] === '+';
      const first = this.segments[0] as Buffer;
      const { tag, name } = peekTagAndName(first);
      if (size === null) {
        this.resetCommand();
        if (nonSync) return this.fatal(tag, name, 'Literal size out of range');
        return { kind: 'error', tag, name, message: 'Literal size out of range', tooLong: true, fatal: false };
      }
      this.state = { kind: 'await-decision', size, nonSync };
      return { kind: 'need-literal', size, nonSync, tag, name, literalBytesSoFar: this.literalBytes };
    }
    const framed = { segments: this.segments, literals: this.literals };
    this.resetCommand();
    try {
      return { kind: 'command', command: parseFramedCommand(framed, this.limits.maxDepth) };
    } catch (err) {
      if (err instanceof CommandSyntaxError) {
        return { kind: 'error', tag: err.commandTag, name: err.commandName, message: err.message, tooLong: false, fatal: false };
      }
      throw err;
    }
  }

  /** Reports an error in the current line at once and skips the rest of it as it arrives. */
  private lineError(at: number, message: string, tooLong = false): ParseResult {
    const first = this.segments[0] ?? this.input.subarray(0, Math.min(at, 200));
    const { tag, name } = peekTagAndName(first);
    const tail = this.input.subarray(Math.max(0, at - 16), at).toString('latin1');
    this.input = this.input.subarray(at);
    this.scanned = 0;
    this.inQuote = false;
    this.escaped = false;
    this.resetCommand();
    this.state = { kind: 'discard-line', tail };
    return { kind: 'error', tag, name, message, tooLong, fatal: false };
  }

  private fatal(tag: string | null, name: string | null, message: string): ParseResult {
    this.input = Buffer.alloc(0);
    this.resetCommand();
    this.state = { kind: 'discard-line', tail: '' };
    return { kind: 'error', tag, name, message, tooLong: true, fatal: true };
  }

  private resetCommand(): void {
    this.segments = [];
    this.literals = [];
    this.lineBytes = 0;
    this.literalBytes = 0;
  }
}
