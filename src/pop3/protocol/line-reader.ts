/**
 * Incremental splitter of a POP3 input stream into command lines. Pure: bytes in, lines out.
 * Lines end with CRLF (a bare LF is accepted too, as most servers do); the terminator is not
 * part of the returned line. A line longer than the limit is reported once and then skipped up
 * to its end, so one oversized line never costs more than the limit in memory.
 */

const LF = 0x0a;
const CR = 0x0d;

export type LineEvent = { kind: 'line'; line: Buffer } | { kind: 'too-long' };

export class LineReader {
  private parts: Buffer[] = [];
  private partBytes = 0;
  /** True while skipping the rest of a line that already exceeded the limit. */
  private skipping = false;

  constructor(private maxLineBytes: number) {}

  /** Changes the limit (e.g. a larger one once the client is authenticated). */
  setMaxLineBytes(maxLineBytes: number): void {
    this.maxLineBytes = maxLineBytes;
  }

  /** Bytes held for a line not yet complete. */
  get bufferedBytes(): number {
    return this.partBytes;
  }

  /** Forgets any partial line (used when STLS discards what the client sent before TLS). */
  discard(): void {
    this.parts = [];
    this.partBytes = 0;
    this.skipping = false;
  }

  feed(chunk: Buffer): LineEvent[] {
    const events: LineEvent[] = [];
    let from = 0;
    while (from < chunk.length) {
      const lf = chunk.indexOf(LF, from);
      if (lf === -1) {
        this.keep(chunk.subarray(from), events);
        break;
      }
      const piece = chunk.subarray(from, lf);
      from = lf + 1;
      if (this.skipping) {
        this.skipping = false;
        continue;
      }
      if (this.partBytes + piece.length > this.maxLineBytes + 1) {
        // +1 allows the CR of the CRLF pair.
        this.parts = [];
        this.partBytes = 0;
        events.push({ kind: 'too-long' });
        continue;
      }
      let line = this.partBytes === 0 ? piece : Buffer.concat([...this.parts, piece]);
      this.parts = [];
      this.partBytes = 0;
      if (line.length > 0 && line[line.length - 1] === CR) line = line.subarray(0, line.length - 1);
      // Copy so the caller never holds a view into a large socket chunk.
      events.push({ kind: 'line', line: Buffer.from(line) });
    }
    return events;
  }

  private keep(rest: Buffer, events: LineEvent[]): void {
    if (this.skipping || rest.length === 0) return;
    if (this.partBytes + rest.length > this.maxLineBytes + 1) {
      this.parts = [];
      this.partBytes = 0;
      this.skipping = true;
      events.push({ kind: 'too-long' });
      return;
    }
    this.parts.push(Buffer.from(rest));
    this.partBytes += rest.length;
  }
}
