/**
 * A small raw POP3 client for tests: sends exact bytes and reads exact responses, with a
 * time limit on every read so a broken server fails the test instead of hanging it.
 */
import net from 'node:net';
import tls from 'node:tls';

const READ_TIMEOUT_MS = 5000;

export class RawPop3Client {
  private buffer = Buffer.alloc(0);
  private waiters: (() => void)[] = [];
  private ended = false;
  greeting = '';

  private constructor(private socket: net.Socket) {
    this.listen(socket);
  }

  static async connect(port: number, options: { tls?: boolean; skipGreeting?: boolean } = {}): Promise<RawPop3Client> {
    const socket = await new Promise<net.Socket>((resolve, reject) => {
      const s: net.Socket = options.tls
        ? tls.connect({ host: '127.0.0.1', port, rejectUnauthorized: false }, () => resolve(s))
        : net.connect({ host: '127.0.0.1', port }, () => resolve(s));
      s.once('error', reject);
    });
    const client = new RawPop3Client(socket);
    if (!options.skipGreeting) client.greeting = await client.readLine();
    return client;
  }

  get closed(): boolean {
    return this.ended;
  }

  write(text: string | Buffer): void {
    this.socket.write(text);
  }

  /** Sends a command line and returns the one-line answer. */
  async command(line: string): Promise<string> {
    this.write(`${line}\r\n`);
    return this.readLine();
  }

  /** Sends a command and reads a multi-line answer: the status line and the un-stuffed body. */
  async multi(line: string): Promise<{ status: string; body: Buffer }> {
    this.write(`${line}\r\n`);
    return this.readMulti();
  }

  async readMulti(): Promise<{ status: string; body: Buffer }> {
    const status = await this.readLine();
    if (!status.startsWith('+OK')) return { status, body: Buffer.alloc(0) };
    const raw = await this.readUntil(Buffer.from('\r\n.\r\n'), true);
    return { status, body: unstuff(raw) };
  }

  /** The next CRLF-terminated line, without the CRLF. */
  async readLine(): Promise<string> {
    const bytes = await this.readUntil(Buffer.from('\r\n'), false);
    return bytes.toString('utf8');
  }

  /** Resolves when the server closes the connection (rejects after the time limit). */
  async waitClosed(timeoutMs = READ_TIMEOUT_MS): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!this.ended) {
      if (Date.now() > deadline) throw new Error('connection still open');
      await this.waitForData(deadline);
    }
  }

  /** Switches this connection to TLS (after the server's +OK to STLS). */
  async startTls(): Promise<void> {
    const raw = this.socket;
    raw.removeAllListeners('data');
    raw.removeAllListeners('close');
    raw.removeAllListeners('end');
    const secure = await new Promise<tls.TLSSocket>((resolve, reject) => {
      const s = tls.connect({ socket: raw, rejectUnauthorized: false }, () => resolve(s));
      s.once('error', reject);
    });
    this.socket = secure;
    this.listen(secure);
  }

  get encrypted(): boolean {
    return this.socket instanceof tls.TLSSocket;
  }

  close(): void {
    this.socket.destroy();
  }

  /** Stops reading from the socket (a stalled client); close is still noticed. */
  pauseReading(): void {
    this.socket.pause();
  }

  resumeReading(): void {
    this.socket.resume();
  }

  /** Bytes received and not yet read by a read call. */
  get bufferedBytes(): number {
    return this.buffer.length;
  }

  private listen(socket: net.Socket): void {
    socket.on('data', (chunk: Buffer) => {
      this.buffer = Buffer.concat([this.buffer, chunk]);
      this.wake();
    });
    socket.on('close', () => {
      this.ended = true;
      this.wake();
    });
    socket.on('error', () => undefined);
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }

  /**
   * Reads up to and including `marker`; returns the bytes before it. For a multi-line body the
   * marker is CRLF.CRLF, and the leading CRLF belongs to the body.
   */
  private async readUntil(marker: Buffer, keepLineEnd: boolean): Promise<Buffer> {
    const deadline = Date.now() + READ_TIMEOUT_MS;
    for (;;) {
      // A body may be empty: then the terminator ".\r\n" comes first.
      if (keepLineEnd && this.buffer.subarray(0, 3).equals(Buffer.from('.\r\n'))) {
        this.buffer = this.buffer.subarray(3);
        return Buffer.alloc(0);
      }
      const at = this.buffer.indexOf(marker);
      if (at !== -1) {
        const end = keepLineEnd ? at + 2 : at;
        const out = this.buffer.subarray(0, end);
        this.buffer = this.buffer.subarray(at + marker.length);
        return Buffer.from(out);
      }
      if (this.ended) throw new Error(`connection closed; unread: ${JSON.stringify(this.buffer.toString('latin1'))}`);
      if (Date.now() > deadline) throw new Error(`timed out; unread: ${JSON.stringify(this.buffer.toString('latin1'))}`);
      await this.waitForData(deadline);
    }
  }

  private waitForData(deadline: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, Math.max(1, deadline - Date.now() + 1));
      this.waiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
}

/** Removes POP3 byte-stuffing from a multi-line body. */
export function unstuff(body: Buffer): Buffer {
  const text = body.toString('latin1');
  return Buffer.from(text.replace(/(^|\n)\.\./g, '$1.'), 'latin1');
}
