/** A raw-socket LMTP client (RFC 2033): LHLO once, then MAIL/RCPT/DATA per message. */
import { connect, type Socket } from 'node:net';
import { SocketReader, stuffDots } from '../lib/socket-reader.js';
import { withTimeout } from '../lib/stats.js';

export interface SmtpReply {
  code: number;
  lines: string[];
}

export class LmtpError extends Error {}

export class LmtpClient {
  private constructor(
    private readonly socket: Socket,
    private readonly reader: SocketReader,
    private readonly timeoutMs: number,
  ) {}

  static async connect(host: string, port: number, timeoutMs = 120_000): Promise<LmtpClient> {
    const socket = connect({ host, port });
    socket.setNoDelay(true);
    const client = new LmtpClient(socket, new SocketReader(socket), timeoutMs);
    const greeting = await withTimeout(client.readReply(), timeoutMs, 'LMTP greeting');
    if (greeting.code !== 220) throw new LmtpError(`unexpected LMTP greeting: ${greeting.lines.join(' ')}`);
    await client.expect(`LHLO bench.localhost`, 250);
    return client;
  }

  /** A reply, with continuation lines ("250-...") gathered. */
  private async readReply(): Promise<SmtpReply> {
    const lines: string[] = [];
    for (;;) {
      const line = (await this.reader.readLine()).toString('latin1');
      lines.push(line.slice(4));
      if (line[3] !== '-') return { code: Number(line.slice(0, 3)), lines };
    }
  }

  private async expect(command: string, code: number): Promise<SmtpReply> {
    this.socket.write(`${command}\r\n`);
    const reply = await withTimeout(this.readReply(), this.timeoutMs, `LMTP ${command.split(' ')[0]}`);
    if (reply.code !== code) throw new LmtpError(`${command}: ${reply.code} ${reply.lines.join(' ')}`);
    return reply;
  }

  /** Delivers one message; resolves once every recipient got its final 250. */
  async deliver(from: string, recipients: readonly string[], message: Buffer): Promise<void> {
    await this.expect(`MAIL FROM:<${from}>`, 250);
    for (const rcpt of recipients) await this.expect(`RCPT TO:<${rcpt}>`, 250);
    await this.expect('DATA', 354);
    this.socket.write(stuffDots(message));
    for (const rcpt of recipients) {
      const reply = await withTimeout(this.readReply(), this.timeoutMs, 'LMTP end of data');
      if (reply.code !== 250) throw new LmtpError(`delivery to ${rcpt}: ${reply.code} ${reply.lines.join(' ')}`);
    }
  }

  async quit(): Promise<void> {
    try {
      await this.expect('QUIT', 221);
    } catch {
      // Closing anyway.
    }
    this.socket.destroy();
  }

  destroy(): void {
    this.socket.destroy();
  }
}
