/** An IMAP transport in memory (no socket): records what the session writes. */
import type { ImapTransport } from '../../../src/imap/session/state.js';

export class MemoryTransport implements ImapTransport {
  readonly out: Buffer[] = [];
  closed = false;
  constructor(
    readonly remoteAddress = '127.0.0.1',
    readonly secure = false,
  ) {}
  write(bytes: Buffer): boolean {
    this.out.push(bytes);
    return true;
  }
  async drain(): Promise<void> {}
  async startTls(): Promise<void> {}
  pause(): void {}
  resume(): void {}
  close(): void {
    this.closed = true;
  }
  text(encoding: BufferEncoding = 'utf8'): string {
    return Buffer.concat(this.out).toString(encoding);
  }
}
