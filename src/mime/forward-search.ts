/**
 * Repeated forward searches for one pattern in one buffer. The parser asks for "the next blank
 * line at or after p" with p only growing, so the last answer is reused while p has not passed
 * it: however many entities ask, the buffer is searched once (linear work).
 */
export class ForwardSearch {
  private from = -1;
  private found = -1;

  constructor(private readonly buf: Buffer, private readonly pattern: Buffer) {}

  /** Index of the first occurrence at or after from, or -1. */
  next(from: number): number {
    if (this.from !== -1 && this.from <= from && (this.found === -1 || from <= this.found)) return this.found;
    this.from = from;
    this.found = this.buf.indexOf(this.pattern, from);
    return this.found;
  }
}
