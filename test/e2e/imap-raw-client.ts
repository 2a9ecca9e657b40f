/**
 * A minimal raw IMAP client for end-to-end tests: sends exact text, splits the server's output
 * into responses (a literal stays inside its response) and waits for them with timeouts.
 */
import net from 'node:net';

export interface Reply {
  untagged: string[];
  tagged: string;
}

export class RawImap {
  private buf = Buffer.alloc(0);
  private readonly responses: string[] = [];
  private waiters: (() => void)[] = [];
  closed = false;

  private constructor(private readonly socket: net.Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.buf = Buffer.concat([this.buf, chunk]);
      this.split();
    });
    socket.on('close', () => {
      this.closed = true;
      this.wake();
    });
    socket.on('error', () => undefined);
  }

  static async connect(port: number): Promise<RawImap> {
    const socket = net.connect(port, '127.0.0.1');
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    const client = new RawImap(socket);
    await client.next(5000);
    return client;
  }

  static async login(port: number, user: string, password: string): Promise<RawImap> {
    const client = await RawImap.connect(port);
    const r = await client.command(`LOGIN "${user}" "${password}"`);
    if (!/^\S+ OK/.test(r.tagged)) throw new Error(`login failed: ${r.tagged}`);
    return client;
  }

  private split(): void {
    for (;;) {
      let end = 0;
      let found = false;
      // A response ends at CRLF, unless the line ends with a literal {n}: then n more bytes follow.
      for (let guard = 0; guard < 10_000; guard++) {
        const nl = this.buf.indexOf('\r\n', end);
        if (nl < 0) break;
        const line = this.buf.subarray(end, nl).toString('latin1');
        const m = /\{(\d+)\}$/.exec(line);
        if (!m) {
          end = nl + 2;
          found = true;
          break;
        }
        const after = nl + 2 + Number(m[1]);
        if (this.buf.length < after) break;
        end = after;
      }
      if (!found) return;
      this.responses.push(this.buf.subarray(0, end - 2).toString('utf8'));
      this.buf = this.buf.length === end ? Buffer.alloc(0) : Buffer.from(this.buf.subarray(end));
      this.wake();
    }
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  send(text: string | Buffer): void {
    this.socket.write(text);
  }

  /** The next response line, waiting at most `timeoutMs`. */
  async next(timeoutMs = 5000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const r = this.responses.shift();
      if (r !== undefined) return r;
      if (this.closed) throw new Error('connection closed');
      const left = deadline - Date.now();
      if (left <= 0) throw new Error('timed out waiting for a response');
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  /** Waits for a response matching `re`, collecting what came before it. */
  async waitFor(re: RegExp, timeoutMs = 5000): Promise<{ line: string; before: string[] }> {
    const before: string[] = [];
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const line = await this.next(Math.max(1, deadline - Date.now()));
      if (re.test(line)) return { line, before };
      before.push(line);
    }
  }

  /** Responses received and not yet read. */
  drainBuffered(): string[] {
    return this.responses.splice(0);
  }

  private tagNo = 1;

  async command(text: string, timeoutMs = 10_000): Promise<Reply> {
    const tag = `T${this.tagNo++}`;
    this.send(`${tag} ${text}\r\n`);
    const { line, before } = await this.waitFor(new RegExp(`^${tag} (OK|NO|BAD)`), timeoutMs);
    return { untagged: before, tagged: line };
  }

  /** True once the server has closed the connection (waits at most `timeoutMs`). */
  async waitClosed(timeoutMs = 5000): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (!this.closed && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    return this.closed;
  }

  close(): void {
    this.socket.destroy();
  }
}
