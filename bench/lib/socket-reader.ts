/**
 * Reads a byte stream by protocol units: CRLF lines, counted bytes (IMAP literals) and
 * dot-terminated blocks (POP3 multi-line replies, LMTP is write-only for those). Each chunk is
 * looked at once, so multi-megabyte replies cost linear time.
 */
import type { Socket } from 'node:net';

/** Consumes a chunk; answers the unused rest once the unit is complete, or null for "need more". */
type Sink = (chunk: Buffer) => Buffer | null;

interface Request {
  sink: Sink;
  reject(error: Error): void;
}

const EMPTY = Buffer.alloc(0);
const DOT_END = Buffer.from('\r\n.\r\n');

export class SocketReader {
  private leftover: Buffer = EMPTY;
  private readonly queue: Request[] = [];
  private failure: Error | null = null;

  constructor(socket: Socket) {
    socket.on('data', (chunk: Buffer) => this.feed(chunk));
    socket.on('error', (error: Error) => this.fail(error));
    socket.on('close', () => this.fail(new Error('connection closed by the server')));
  }

  /** A line without its CRLF, as bytes. */
  readLine(): Promise<Buffer> {
    const parts: Buffer[] = [];
    return this.enqueue((resolve) => (chunk) => {
      const nl = chunk.indexOf(10);
      if (nl < 0) {
        parts.push(chunk);
        return null;
      }
      parts.push(chunk.subarray(0, nl + 1));
      const line = parts.length === 1 ? parts[0]! : Buffer.concat(parts);
      const end = line.length >= 2 && line[line.length - 2] === 13 ? line.length - 2 : line.length - 1;
      resolve(line.subarray(0, end));
      return chunk.subarray(nl + 1);
    });
  }

  /** Exactly n bytes. */
  readBytes(n: number): Promise<Buffer> {
    const parts: Buffer[] = [];
    let have = 0;
    return this.enqueue((resolve) => (chunk) => {
      const take = Math.min(n - have, chunk.length);
      parts.push(chunk.subarray(0, take));
      have += take;
      if (have < n) return null;
      resolve(parts.length === 1 ? parts[0]! : Buffer.concat(parts));
      return chunk.subarray(take);
    });
  }

  /** The block up to a line holding only ".", still dot-stuffed, without the final ".\r\n". */
  readDotBlock(): Promise<Buffer> {
    const parts: Buffer[] = [];
    // The CRLF that ended the status line counts as the start of the first line.
    let tail = Buffer.from('\r\n');
    let total = 0;
    return this.enqueue((resolve) => (chunk) => {
      const window = Buffer.concat([tail, chunk]);
      const at = window.indexOf(DOT_END);
      if (at < 0) {
        parts.push(chunk);
        total += chunk.length;
        tail = window.subarray(Math.max(0, window.length - 4));
        return null;
      }
      // Delimiter starts at window offset `at`; the block keeps its final CRLF.
      const endInChunk = at - tail.length + 2;
      const consumed = at - tail.length + DOT_END.length;
      let block: Buffer;
      if (endInChunk >= 0) {
        parts.push(chunk.subarray(0, endInChunk));
        block = Buffer.concat(parts);
      } else {
        block = Buffer.concat(parts).subarray(0, total + endInChunk);
      }
      // An empty block: the terminator directly after the status line.
      resolve(block.length === 0 ? EMPTY : block);
      return chunk.subarray(consumed);
    });
  }

  private enqueue(make: (resolve: (value: Buffer) => void) => Sink): Promise<Buffer> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise<Buffer>((resolve, reject) => {
      this.queue.push({ sink: make(resolve), reject });
      if (this.queue.length === 1 && this.leftover.length > 0) {
        const rest = this.leftover;
        this.leftover = EMPTY;
        this.feed(rest);
      }
    });
  }

  private feed(chunk: Buffer): void {
    let data = this.leftover.length > 0 ? Buffer.concat([this.leftover, chunk]) : chunk;
    this.leftover = EMPTY;
    while (data.length > 0) {
      const current = this.queue[0];
      if (!current) break;
      const rest = current.sink(data);
      if (rest === null) return;
      this.queue.shift();
      data = rest;
    }
    this.leftover = data;
  }

  private fail(error: Error): void {
    if (!this.failure) this.failure = error;
    for (const request of this.queue.splice(0)) request.reject(error);
  }
}

/** Undoes POP3/SMTP dot-stuffing ("\r\n.." at a line start becomes "\r\n."). */
export function unstuffDots(block: Buffer): Buffer {
  if (block.indexOf('\n..') < 0 && !(block[0] === 46 && block[1] === 46)) return block;
  const out = Buffer.allocUnsafe(block.length);
  let w = 0;
  let lineStart = true;
  for (let i = 0; i < block.length; i++) {
    const byte = block[i]!;
    if (lineStart && byte === 46 && block[i + 1] === 46) {
      lineStart = false;
      continue;
    }
    out[w++] = byte;
    lineStart = byte === 10;
  }
  return out.subarray(0, w);
}

/** Dot-stuffs a message for DATA and ends it with CRLF "." CRLF. */
export function stuffDots(message: Buffer): Buffer {
  const parts: Buffer[] = [];
  let start = 0;
  if (message[0] === 46) {
    parts.push(Buffer.from('.'));
  }
  for (let at = message.indexOf('\n.'); at >= 0; at = message.indexOf('\n.', at + 1)) {
    parts.push(message.subarray(start, at + 1), Buffer.from('.'));
    start = at + 1;
  }
  parts.push(message.subarray(start));
  const endsWithCrlf = message.length >= 2 && message[message.length - 2] === 13 && message[message.length - 1] === 10;
  parts.push(Buffer.from(endsWithCrlf ? '.\r\n' : '\r\n.\r\n'));
  return Buffer.concat(parts);
}
