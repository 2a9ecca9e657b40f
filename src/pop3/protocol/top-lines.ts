/**
 * The part of a message that TOP sends (RFC 1939 section 7): the header, the blank line that
 * ends it, and then at most n lines of the body. Works chunk by chunk so that TOP streams and
 * stops reading the message file as soon as enough lines have passed.
 */

const LF = 0x0a;
const CR = 0x0d;

export interface TopChunk {
  /** Bytes of this chunk that belong to the TOP output. */
  data: Buffer;
  /** True once everything TOP needs has been seen; later chunks are not needed. */
  done: boolean;
}

export class TopLinesCutter {
  private inHeader = true;
  private bodyLines = 0;
  private lineBytes = 0;
  private lineFirstByte = -1;
  private finished: boolean;

  constructor(private readonly maxBodyLines: number) {
    this.finished = false;
  }

  get done(): boolean {
    return this.finished;
  }

  push(chunk: Buffer): TopChunk {
    if (this.finished) return { data: Buffer.alloc(0), done: true };
    let from = 0;
    while (from < chunk.length) {
      const lf = chunk.indexOf(LF, from);
      const segmentEnd = lf === -1 ? chunk.length : lf;
      if (segmentEnd > from) {
        if (this.lineBytes === 0) this.lineFirstByte = chunk[from] ?? -1;
        this.lineBytes += segmentEnd - from;
      }
      if (lf === -1) break;
      // A whole line ends at lf.
      const blank = this.lineBytes === 0 || (this.lineBytes === 1 && this.lineFirstByte === CR);
      this.lineBytes = 0;
      this.lineFirstByte = -1;
      from = lf + 1;
      if (this.inHeader) {
        if (blank) {
          this.inHeader = false;
          if (this.maxBodyLines === 0) return this.stop(chunk, from);
        }
      } else {
        this.bodyLines++;
        if (this.bodyLines >= this.maxBodyLines) return this.stop(chunk, from);
      }
    }
    return { data: chunk, done: false };
  }

  private stop(chunk: Buffer, end: number): TopChunk {
    this.finished = true;
    return { data: chunk.subarray(0, end), done: true };
  }
}

/** Applies TOP to a whole message at once (tests, small messages). */
export function topLines(message: Buffer, maxBodyLines: number): Buffer {
  return new TopLinesCutter(maxBodyLines).push(message).data;
}
