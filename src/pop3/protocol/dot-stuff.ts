/**
 * Byte-stuffing of a multi-line response body (RFC 1939 section 3): every line that begins with
 * "." gets one more "." in front. Works chunk by chunk with the line-start state carried across
 * chunk boundaries, so a message is stuffed on the fly while it streams from its file.
 */
import { Transform, type TransformCallback } from 'node:stream';

const LF = 0x0a;
const DOT = 0x2e;
const CRLF = Buffer.from('\r\n', 'latin1');

export class DotStuffer {
  private atLineStart = true;
  private lastByte = -1;
  private total = 0;

  /** Stuffs one chunk; the result may share memory with the input when nothing was inserted. */
  push(chunk: Buffer): Buffer {
    if (chunk.length === 0) return chunk;
    const dots: number[] = [];
    if (this.atLineStart && chunk[0] === DOT) dots.push(0);
    let lf = chunk.indexOf(LF);
    while (lf !== -1 && lf + 1 < chunk.length) {
      if (chunk[lf + 1] === DOT) dots.push(lf + 1);
      lf = chunk.indexOf(LF, lf + 1);
    }
    const last = chunk[chunk.length - 1] ?? -1;
    this.atLineStart = last === LF;
    this.lastByte = last;
    this.total += chunk.length;
    if (dots.length === 0) return chunk;
    const out = Buffer.allocUnsafe(chunk.length + dots.length);
    let from = 0;
    let to = 0;
    for (const at of dots) {
      to += chunk.copy(out, to, from, at);
      out[to++] = DOT;
      from = at;
    }
    chunk.copy(out, to, from);
    return out;
  }

  /**
   * What must follow the body before the terminating ".CRLF": a CRLF when the body did not end
   * with a line end (the terminator has to start a line of its own), otherwise nothing.
   */
  finish(): Buffer {
    return this.total > 0 && this.lastByte !== LF ? CRLF : Buffer.alloc(0);
  }
}

/** DotStuffer as a stream stage: bytes of the stored message in, wire bytes out (without ".CRLF"). */
export class DotStuffTransform extends Transform {
  private readonly stuffer = new DotStuffer();

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    callback(null, this.stuffer.push(chunk));
  }

  override _flush(callback: TransformCallback): void {
    const tail = this.stuffer.finish();
    callback(null, tail.length > 0 ? tail : undefined);
  }
}

/** Stuffs a whole buffer at once (tests, small bodies). */
export function dotStuff(body: Buffer): Buffer {
  const stuffer = new DotStuffer();
  const out = stuffer.push(body);
  const tail = stuffer.finish();
  return tail.length > 0 ? Buffer.concat([out, tail]) : out;
}
