/**
 * The LMTP input parser: bytes in, events out, no I/O. In command mode it cuts lines (a line
 * longer than the limit is reported once and its bytes dropped as they arrive, never buffered
 * whole). After the session answers DATA with 354 it calls startData(), and the parser streams
 * the message with dot-unstuffing (RFC 5321 4.5.2) until <CRLF>.<CRLF>, holding back at most
 * the one CR that may start the terminator. Only CRLF ends a line in data, so a bare-LF "."
 * line cannot end a message early (no SMTP smuggling).
 *
 * Pull-based: push() adds bytes, next() returns one event or null for "need more". The session
 * handles each event before asking for the next, so it can switch to data mode exactly after
 * the DATA line even when the client pipelined more bytes behind it.
 */

export type LmtpInputEvent =
  /** A command line, without its line end. */
  | { kind: 'line'; line: Buffer }
  /** A command line longer than the limit; its bytes were dropped. */
  | { kind: 'line-too-long' }
  /** A piece of message data, dot-unstuffed, line ends as sent. */
  | { kind: 'data'; bytes: Buffer }
  /** The terminating "." line was read; the parser is back in command mode. */
  | { kind: 'data-end' };

type DataState = 'start' | 'mid' | 'cr' | 'dot' | 'dotcr';

const CR = 0x0d;
const LF = 0x0a;
const DOT = 0x2e;
const EMPTY = Buffer.alloc(0);

export interface LmtpInputOptions {
  /** Longest command line accepted, line end excluded. */
  maxLineBytes: number;
}

export class LmtpInputParser {
  private pending: Buffer = EMPTY;
  private mode: 'command' | 'discard' | 'data' = 'command';
  private dataState: DataState = 'start';
  private endPending = false;
  /** Where to resume looking for LF in command mode (bytes before it hold none). */
  private scanned = 0;

  constructor(private readonly options: LmtpInputOptions) {}

  push(chunk: Buffer): void {
    if (chunk.length === 0) return;
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
  }

  /** Bytes held and not yet returned as events. */
  get buffered(): number {
    return this.pending.length;
  }

  get inData(): boolean {
    return this.mode === 'data' || this.endPending;
  }

  /** Switches to message data; the next bytes after the DATA line are the message. */
  startData(): void {
    this.mode = 'data';
    this.dataState = 'start';
    this.endPending = false;
  }

  next(): LmtpInputEvent | null {
    if (this.endPending) {
      this.endPending = false;
      this.mode = 'command';
      return { kind: 'data-end' };
    }
    if (this.mode === 'data') return this.nextData();
    return this.nextLine();
  }

  private nextLine(): LmtpInputEvent | null {
    for (;;) {
      const lf = this.pending.indexOf(LF, this.scanned);
      if (this.mode === 'discard') {
        if (lf < 0) {
          this.pending = EMPTY;
          this.scanned = 0;
          return null;
        }
        this.take(lf + 1);
        this.mode = 'command';
        continue;
      }
      if (lf < 0) {
        if (this.pending.length > this.options.maxLineBytes + 1) {
          // +1: the CR of a CRLF may already be here while its LF is not.
          this.pending = EMPTY;
          this.scanned = 0;
          this.mode = 'discard';
          return { kind: 'line-too-long' };
        }
        this.scanned = this.pending.length;
        return null;
      }
      const end = lf > 0 && this.pending[lf - 1] === CR ? lf - 1 : lf;
      const line = this.pending.subarray(0, end);
      this.take(lf + 1);
      if (line.length > this.options.maxLineBytes) return { kind: 'line-too-long' };
      return { kind: 'line', line };
    }
  }

  private take(n: number): void {
    this.pending = n >= this.pending.length ? EMPTY : this.pending.subarray(n);
    this.scanned = 0;
  }

  private nextData(): LmtpInputEvent | null {
    const buf = this.pending;
    const len = buf.length;
    if (len === 0) return null;
    const segments: Buffer[] = [];
    let segStart = 0;
    let i = 0;
    let state = this.dataState;
    let ended = false;
    let keepFrom = len;
    while (i < len && !ended) {
      switch (state) {
        case 'mid': {
          const cr = buf.indexOf(CR, i);
          if (cr < 0) i = len;
          else {
            i = cr + 1;
            state = 'cr';
          }
          break;
        }
        case 'cr': {
          const b = buf[i];
          if (b === LF) {
            i++;
            state = 'start';
          } else if (b === CR) i++;
          else state = 'mid';
          break;
        }
        case 'start':
          if (buf[i] === DOT) {
            // A leading dot is removed: either stuffing, or the start of the terminator.
            if (i > segStart) segments.push(buf.subarray(segStart, i));
            i++;
            segStart = i;
            state = 'dot';
          } else state = 'mid';
          break;
        case 'dot':
          if (buf[i] === CR) {
            i++;
            state = 'dotcr';
          } else state = 'mid';
          break;
        case 'dotcr':
          if (buf[i] === LF) {
            // "." CR LF: the end. The CR before it is not message data.
            if (i - 1 > segStart) segments.push(buf.subarray(segStart, i - 1));
            segStart = i - 1;
            i++;
            ended = true;
          } else state = 'cr';
          break;
      }
    }
    if (ended) {
      this.pending = i >= len ? EMPTY : buf.subarray(i);
      this.endPending = true;
      this.dataState = 'start';
    } else {
      if (state === 'dotcr') {
        // The CR after a lone "." may be the terminator's: hold it until the next byte comes.
        keepFrom = len - 1;
        state = 'dot';
      }
      if (keepFrom > segStart) segments.push(buf.subarray(segStart, keepFrom));
      this.pending = keepFrom >= len ? EMPTY : buf.subarray(keepFrom);
      this.dataState = state;
    }
    if (segments.length === 0) return ended ? this.next() : null;
    const bytes = segments.length === 1 ? (segments[0] as Buffer) : Buffer.concat(segments);
    return { kind: 'data', bytes };
  }
}
