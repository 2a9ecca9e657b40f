/**
 * A small LMTP client (RFC 2033) with pipelining, used by the benchmark, tests and tools that
 * hand a message to a running server. Message data is dot-stuffed and sent with CRLF line ends.
 */
import net from 'node:net';

export interface ClientReply {
  code: number;
  /** Text lines without the code and separator (enhanced code included when sent). */
  lines: string[];
}

export interface LmtpClientTarget {
  host?: string;
  port?: number;
  /** Unix socket path (instead of host and port). */
  path?: string;
  /** Give up on connecting or on a reply after this long. */
  timeoutMs?: number;
}

export interface SendResult {
  mail: ClientReply;
  /** One reply per RCPT, in order. */
  rcpt: ClientReply[];
  /** DATA's reply (354 when accepted). */
  data: ClientReply | null;
  /** One reply per accepted recipient after the final dot, in order. */
  delivery: ClientReply[];
}

/** Dot-stuffs a message and makes sure it ends with CRLF, ready to follow DATA. */
export function dotStuff(message: Buffer): Buffer {
  const text = message.toString('latin1').replace(/\r?\n/g, '\r\n');
  const stuffed = text.replace(/(^|\r\n)\./g, '$1..');
  return Buffer.from(stuffed.endsWith('\r\n') || stuffed.length === 0 ? stuffed : stuffed + '\r\n', 'latin1');
}

export class LmtpClient {
  private buffer = '';
  private readonly replies: ClientReply[] = [];
  private waiters: { resolve: (r: ClientReply) => void; reject: (e: Error) => void }[] = [];
  private partial: string[] = [];
  private closedError: Error | null = null;

  private constructor(
    private readonly socket: net.Socket,
    private readonly timeoutMs: number,
  ) {
    socket.setEncoding('latin1');
    socket.on('data', (text: string) => this.onData(text));
    const fail = (err: Error) => {
      this.closedError = err;
      for (const w of this.waiters.splice(0)) w.reject(err);
    };
    socket.on('error', fail);
    socket.on('close', () => fail(new Error('connection closed')));
  }

  static async connect(target: LmtpClientTarget): Promise<{ client: LmtpClient; greeting: ClientReply }> {
    const timeoutMs = target.timeoutMs ?? 30_000;
    const socket = target.path ? net.connect({ path: target.path }) : net.connect({ host: target.host ?? '127.0.0.1', port: target.port ?? 24 });
    socket.setNoDelay(true);
    const client = new LmtpClient(socket, timeoutMs);
    const greeting = await client.read();
    return { client, greeting };
  }

  private onData(text: string): void {
    this.buffer += text;
    for (let lf = this.buffer.indexOf('\n'); lf >= 0; lf = this.buffer.indexOf('\n')) {
      const line = this.buffer.slice(0, lf).replace(/\r$/, '');
      this.buffer = this.buffer.slice(lf + 1);
      const code = Number(line.slice(0, 3));
      this.partial.push(line.slice(4));
      if (line[3] !== '-') {
        const reply = { code, lines: this.partial };
        this.partial = [];
        const waiter = this.waiters.shift();
        if (waiter) waiter.resolve(reply);
        else this.replies.push(reply);
      }
    }
  }

  /** The next reply from the server. */
  read(): Promise<ClientReply> {
    const ready = this.replies.shift();
    if (ready) return Promise.resolve(ready);
    if (this.closedError) return Promise.reject(this.closedError);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no LMTP reply within ${this.timeoutMs} ms`)), this.timeoutMs);
      this.waiters.push({
        resolve: (r) => {
          clearTimeout(timer);
          resolve(r);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      });
    });
  }

  write(data: string | Buffer): void {
    this.socket.write(data);
  }

  async command(line: string): Promise<ClientReply> {
    this.write(`${line}\r\n`);
    return this.read();
  }

  /**
   * One transaction, pipelined: MAIL, every RCPT and DATA in one write; then the message when
   * DATA got 354; then one reply per accepted recipient.
   */
  async send(from: string, recipients: string[], message: Buffer): Promise<SendResult> {
    const lines = [`MAIL FROM:<${from}> SIZE=${message.length}`, ...recipients.map((r) => `RCPT TO:<${r}>`), 'DATA'];
    this.write(lines.map((l) => `${l}\r\n`).join(''));
    const mail = await this.read();
    const rcpt: ClientReply[] = [];
    for (let i = 0; i < recipients.length; i++) rcpt.push(await this.read());
    const data = await this.read();
    const delivery: ClientReply[] = [];
    if (data.code === 354) {
      this.write(Buffer.concat([dotStuff(message), Buffer.from('.\r\n')]));
      const accepted = rcpt.filter((r) => r.code >= 200 && r.code < 300).length;
      for (let i = 0; i < accepted; i++) delivery.push(await this.read());
    }
    return { mail, rcpt, data, delivery };
  }

  async quit(): Promise<void> {
    try {
      await this.command('QUIT');
    } catch {
      // The server may close first.
    }
    this.socket.end();
  }

  destroy(): void {
    this.socket.destroy();
  }
}
