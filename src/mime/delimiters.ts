/**
 * Finds multipart delimiter lines (RFC 2046 section 5.1.1) for every open multipart at once.
 * The active boundaries live in a Map, so each candidate line ("--" at the start of a line) is
 * checked with one lookup whatever the nesting depth: the whole message is scanned in linear
 * time, and the search itself is Buffer.indexOf (native speed).
 */
import { MAX_BOUNDARY_LINE } from './limits.js';

const LF = 0x0a;
const CR = 0x0d;
const DASH = 0x2d;
const NL_DASH_DASH = Buffer.from('\n--', 'latin1');

export interface Delimiter {
  /** Start of the "--boundary" line. */
  lineStart: number;
  /** Where the content before this delimiter ends (the CRLF before the line belongs to it). */
  contentEnd: number;
  /** Where scanning continues: after the line's CRLF for an open delimiter; right after
   *  "--boundary--" (and padding) for a close delimiter, so its CRLF starts the epilogue. */
  next: number;
  /** Nesting level of the multipart this delimiter belongs to (index in the stack). */
  level: number;
  close: boolean;
}

export class DelimiterScanner {
  private readonly levels = new Map<string, number>();
  /** How many open boundaries have each byte length: most lines are rejected by length alone. */
  private readonly lengths = new Map<number, number>();
  private readonly stack: { boundary: string; shadowed: number | undefined }[] = [];
  private version = 0;
  private cache: { version: number; from: number; found: Delimiter | null } | null = null;

  constructor(private readonly buf: Buffer) {}

  get depth(): number {
    return this.stack.length;
  }

  /** Opens a multipart with this boundary; returns its level. */
  push(boundary: string): number {
    const level = this.stack.length;
    this.stack.push({ boundary, shadowed: this.levels.get(boundary) });
    this.levels.set(boundary, level);
    this.lengths.set(boundary.length, (this.lengths.get(boundary.length) ?? 0) + 1);
    this.version++;
    return level;
  }

  pop(): void {
    const top = this.stack.pop();
    if (!top) return;
    if (top.shadowed === undefined) this.levels.delete(top.boundary);
    else this.levels.set(top.boundary, top.shadowed);
    const left = (this.lengths.get(top.boundary.length) ?? 1) - 1;
    if (left === 0) this.lengths.delete(top.boundary.length);
    else this.lengths.set(top.boundary.length, left);
    this.version++;
  }

  /**
   * The first delimiter line that starts in [from, before), or null. Not cached: used to
   * bound a header, whose bytes are not searched again.
   */
  findBefore(from: number, before: number): Delimiter | null {
    if (this.stack.length === 0) return null;
    const c = this.cache;
    if (c && c.version === this.version && c.from <= from && (c.found === null || from <= c.found.lineStart)) {
      const d = this.adjust(c.found, from);
      return d && d.lineStart < before ? d : null;
    }
    return this.scan(from, before);
  }

  /** The first delimiter line of any open multipart at or after from, or null. */
  find(from: number): Delimiter | null {
    if (this.stack.length === 0) return null;
    const c = this.cache;
    // The same search is often repeated (header end, then body end): reuse its answer.
    // No delimiter lies in [c.from, c.found.lineStart), so a later start inside it finds the same.
    if (c && c.version === this.version && c.from <= from && (c.found === null || from <= c.found.lineStart)) {
      return this.adjust(c.found, from);
    }
    const found = this.scan(from, this.buf.length);
    this.cache = { version: this.version, from, found };
    return found;
  }

  /** Recomputes contentEnd of a cached delimiter for a later search start. */
  private adjust(d: Delimiter | null, from: number): Delimiter | null {
    if (d === null) return null;
    return { ...d, contentEnd: this.contentEndBefore(d.lineStart, from) };
  }

  private contentEndBefore(lineStart: number, from: number): number {
    const buf = this.buf;
    if (lineStart - 2 >= from && buf[lineStart - 2] === CR && buf[lineStart - 1] === LF) return lineStart - 2;
    if (lineStart - 1 >= from && buf[lineStart - 1] === LF) return lineStart - 1;
    return lineStart;
  }

  private scan(from: number, before: number): Delimiter | null {
    const buf = this.buf;
    if (from >= before) return null;
    if ((from === 0 || buf[from - 1] === LF) && buf[from] === DASH && buf[from + 1] === DASH) {
      const d = this.match(from, from);
      if (d) return d;
    }
    // A candidate "\n--" must have its line start (after the LF) before `before`.
    const view = before >= buf.length ? buf : buf.subarray(0, before + 2);
    let p = from;
    for (;;) {
      const at = view.indexOf(NL_DASH_DASH, p);
      if (at === -1 || at + 1 >= before) return null;
      const d = this.match(at + 1, from);
      if (d) return d;
      p = at + 1;
    }
  }

  /** The delimiter on the line starting at lineStart, if that line is one. */
  private match(lineStart: number, from: number): Delimiter | null {
    const buf = this.buf;
    // A delimiter line is short: look for its end only within MAX_BOUNDARY_LINE (+ "--" and
    // some padding), so a huge line starting with "--" costs nothing however often it is met.
    const window = Math.min(buf.length, lineStart + MAX_BOUNDARY_LINE + 64);
    const found = buf.subarray(lineStart, window).indexOf(LF);
    if (found === -1 && window < buf.length) return null;
    const nl = found === -1 ? -1 : lineStart + found;
    const lineEnd = nl === -1 ? buf.length : nl;
    let end = lineEnd;
    if (end > lineStart && buf[end - 1] === CR) end--;
    while (end > lineStart + 2 && (buf[end - 1] === 0x20 || buf[end - 1] === 0x09)) end--;
    const len = end - (lineStart + 2);
    if (len <= 0 || len > MAX_BOUNDARY_LINE) return null;
    if (!this.lengths.has(len) && !this.lengths.has(len - 2)) return null;
    const text = buf.toString('latin1', lineStart + 2, end);
    const open = this.levels.get(text);
    if (open !== undefined) {
      return { lineStart, contentEnd: this.contentEndBefore(lineStart, from), next: nl === -1 ? buf.length : nl + 1, level: open, close: false };
    }
    if (text.endsWith('--')) {
      const closed = this.levels.get(text.slice(0, -2));
      if (closed !== undefined) {
        return { lineStart, contentEnd: this.contentEndBefore(lineStart, from), next: end, level: closed, close: true };
      }
    }
    return null;
  }
}
