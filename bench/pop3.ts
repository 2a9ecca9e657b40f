/**
 * POP3 benchmark: RETR throughput over one session (1,000 messages of about 20 KB by default)
 * and USER/PASS logins per second, against a real server on 127.0.0.1 over a temporary store.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AdminService } from '../src/admin/service.js';
import { configSchema } from '../src/config/schema.js';
import { silentLogger } from '../src/log/logger.js';
import { createPop3Service } from '../src/pop3/index.js';
import { createServerContext } from '../src/server/context.js';

export interface BenchResult {
  name: string;
  value: number;
  unit: string;
}

export interface Pop3BenchOptions {
  /** Messages retrieved in the throughput run (default 1000). */
  messages?: number;
  /** Approximate size of each message in bytes (default 20 KB). */
  messageBytes?: number;
  /** Sequential logins in the login run (default 20; each costs a password hash). */
  logins?: number;
  /** RETR commands in flight at once (default 8). */
  window?: number;
}

const TERMINATOR = Buffer.from('\r\n.\r\n');

/** A minimal client: counts complete responses as they arrive, nothing more. */
class BenchClient {
  private pending: Buffer = Buffer.alloc(0);
  private waiter: (() => void) | null = null;
  private closed = false;

  private constructor(private readonly socket: net.Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
      this.wake();
    });
    socket.on('close', () => {
      this.closed = true;
      this.wake();
    });
    socket.on('error', () => undefined);
  }

  static async connect(port: number): Promise<BenchClient> {
    const socket = await new Promise<net.Socket>((resolve, reject) => {
      const s = net.connect({ host: '127.0.0.1', port }, () => resolve(s));
      s.once('error', reject);
    });
    const client = new BenchClient(socket);
    await client.line();
    return client;
  }

  send(text: string): void {
    this.socket.write(text);
  }

  /** One status line. */
  async line(): Promise<string> {
    const end = await this.until(Buffer.from('\r\n'), 0);
    const text = this.pending.subarray(0, end).toString('latin1');
    this.pending = this.pending.subarray(end + 2);
    return text;
  }

  /** One multi-line response; returns the bytes it took on the wire. */
  async multi(): Promise<number> {
    const status = await this.line();
    if (!status.startsWith('+OK')) throw new Error(`unexpected answer: ${status}`);
    const end = await this.until(TERMINATOR, 0);
    const bytes = status.length + 2 + end + TERMINATOR.length;
    this.pending = this.pending.subarray(end + TERMINATOR.length);
    return bytes;
  }

  close(): void {
    this.socket.destroy();
  }

  private async until(marker: Buffer, from: number): Promise<number> {
    const deadline = Date.now() + 30_000;
    let searchFrom = from;
    for (;;) {
      const at = this.pending.indexOf(marker, searchFrom);
      if (at !== -1) return at;
      searchFrom = Math.max(0, this.pending.length - marker.length);
      if (this.closed) throw new Error('connection closed');
      if (Date.now() > deadline) throw new Error('timed out');
      await new Promise<void>((resolve) => {
        this.waiter = resolve;
        setTimeout(resolve, 1000);
      });
    }
  }

  private wake(): void {
    const w = this.waiter;
    this.waiter = null;
    w?.();
  }
}

function makeMessage(n: number, bytes: number): Buffer {
  const header = `From: bench@example.com\r\nTo: user@example.com\r\nSubject: bench ${n}\r\nMessage-ID: <bench${n}@example.com>\r\n\r\n`;
  const line = `${'abcdefghij'.repeat(7)} ${String(n).padStart(6, '0')}\r\n`;
  const lines = Math.max(1, Math.floor((bytes - header.length) / line.length));
  return Buffer.from(header + line.repeat(lines));
}

export async function runPop3Bench(options: Pop3BenchOptions = {}): Promise<BenchResult[]> {
  const messages = options.messages ?? 1000;
  const messageBytes = options.messageBytes ?? 20 * 1024;
  const logins = options.logins ?? 20;
  const window = options.window ?? 8;
  const dataDir = mkdtempSync(join(tmpdir(), 'msgstore-bench-pop3-'));
  const loopback = { host: '127.0.0.1', port: 0 };
  const config = configSchema.parse({
    dataDir,
    hostname: 'bench.test',
    host: '127.0.0.1',
    listeners: { pop3: loopback, pop3s: { ...loopback, enabled: false } },
    log: { level: 'silent' },
  });
  const ctx = await createServerContext(config, silentLogger());
  const service = createPop3Service(ctx);
  try {
    const user = 'bench@example.com';
    const password = 'bench password';
    await new AdminService(ctx.store).addUser({ address: user, password });
    const inbox = await ctx.store.getMailbox({ kind: 'user', address: user }, 'INBOX');
    for (let i = 1; i <= messages; i++) await ctx.store.appendMessage(inbox.id, makeMessage(i, messageBytes));
    const bound = await service.start();
    const port = bound.find((b) => b.service === 'pop3')?.port ?? 0;

    // Throughput: RETR every message over one session, a few commands in flight.
    const client = await BenchClient.connect(port);
    client.send(`USER ${user}\r\nPASS ${password}\r\n`);
    await client.line();
    const opened = await client.line();
    if (!opened.startsWith('+OK')) throw new Error(`login failed: ${opened}`);
    let bytes = 0;
    const started = process.hrtime.bigint();
    for (let first = 1; first <= messages; first += window) {
      const last = Math.min(messages, first + window - 1);
      let batch = '';
      for (let n = first; n <= last; n++) batch += `RETR ${n}\r\n`;
      client.send(batch);
      for (let n = first; n <= last; n++) bytes += await client.multi();
    }
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    client.send('QUIT\r\n');
    await client.line();
    client.close();

    // Logins: connect, USER, PASS, QUIT, one after the other.
    const loginStart = process.hrtime.bigint();
    for (let i = 0; i < logins; i++) {
      const c = await BenchClient.connect(port);
      c.send(`USER ${user}\r\nPASS ${password}\r\nQUIT\r\n`);
      await c.line();
      const answer = await c.line();
      if (!answer.startsWith('+OK')) throw new Error(`login failed: ${answer}`);
      await c.line();
      c.close();
    }
    const loginSeconds = Number(process.hrtime.bigint() - loginStart) / 1e9;

    return [
      { name: `pop3 RETR ${messages} x ${Math.round(messageBytes / 1024)} KB, one session`, value: bytes / 1e6 / seconds, unit: 'MB/s' },
      { name: `pop3 RETR messages per second`, value: messages / seconds, unit: 'messages/s' },
      { name: 'pop3 USER/PASS logins per second', value: logins / loginSeconds, unit: 'logins/s' },
    ];
  } finally {
    await service.stop();
    await ctx.store.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
