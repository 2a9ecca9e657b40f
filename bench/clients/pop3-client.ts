/** A raw-socket POP3 client (RFC 1939): USER/PASS, STAT, LIST, RETR, QUIT. */
import { connect, type Socket } from 'node:net';
import { SocketReader, unstuffDots } from '../lib/socket-reader.js';
import { withTimeout } from '../lib/stats.js';

export class Pop3Error extends Error {}

export class Pop3Client {
  private constructor(
    private readonly socket: Socket,
    private readonly reader: SocketReader,
    private readonly timeoutMs: number,
  ) {}

  static async connect(host: string, port: number, timeoutMs = 120_000): Promise<Pop3Client> {
    const socket = connect({ host, port });
    socket.setNoDelay(true);
    const client = new Pop3Client(socket, new SocketReader(socket), timeoutMs);
    const greeting = await withTimeout(client.readStatus(), timeoutMs, 'POP3 greeting');
    if (!greeting.startsWith('+OK')) throw new Pop3Error(`unexpected POP3 greeting: ${greeting}`);
    return client;
  }

  private async readStatus(): Promise<string> {
    return (await this.reader.readLine()).toString('latin1');
  }

  private async ok(command: string): Promise<string> {
    this.socket.write(`${command}\r\n`);
    const status = await withTimeout(this.readStatus(), this.timeoutMs, `POP3 ${command.split(' ')[0]}`);
    if (!status.startsWith('+OK')) throw new Pop3Error(`${command.startsWith('PASS') ? 'PASS' : command}: ${status}`);
    return status;
  }

  async login(user: string, password: string): Promise<void> {
    await this.ok(`USER ${user}`);
    await this.ok(`PASS ${password}`);
  }

  /** Message count and maildrop size. */
  async stat(): Promise<{ count: number; octets: number }> {
    const parts = (await this.ok('STAT')).split(' ');
    return { count: Number(parts[1]), octets: Number(parts[2]) };
  }

  /** Sizes by message number. */
  async list(): Promise<Map<number, number>> {
    await this.ok('LIST');
    const block = await withTimeout(this.reader.readDotBlock(), this.timeoutMs, 'POP3 LIST listing');
    const out = new Map<number, number>();
    for (const line of block.toString('latin1').split('\r\n')) {
      const [n, size] = line.split(' ');
      if (n && size) out.set(Number(n), Number(size));
    }
    return out;
  }

  /** The message, dot-stuffing undone. */
  async retr(n: number): Promise<Buffer> {
    await this.ok(`RETR ${n}`);
    return unstuffDots(await withTimeout(this.reader.readDotBlock(), this.timeoutMs, 'POP3 RETR body'));
  }

  async quit(): Promise<void> {
    try {
      await this.ok('QUIT');
    } catch {
      // Closing anyway.
    }
    this.socket.destroy();
  }

  destroy(): void {
    this.socket.destroy();
  }
}
