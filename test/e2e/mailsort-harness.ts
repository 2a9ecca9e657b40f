/**
 * MailSort end-to-end fixtures: a real server (the composition root, in-process) on a temporary
 * data directory with every listener on 127.0.0.1 port 0 and its log kept in memory; messages
 * in over LMTP with Python's smtplib.LMTP; folders read back over IMAP with imapflow.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { ImapFlow } from 'imapflow';
import pino, { type Logger } from 'pino';
import { AdminService } from '../../src/admin/service.js';
import { configSchema, type Config, type ConfigInput } from '../../src/config/schema.js';
import { startServer, type RunningServer } from '../../src/server/main.js';

export interface LogRecord {
  level: number;
  msg: string;
  [key: string]: unknown;
}

/** A pino logger at info level whose records land in `records`. */
export function memoryLogger(): { logger: Logger; records: LogRecord[] } {
  const records: LogRecord[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n')) if (line.trim() !== '') records.push(JSON.parse(line) as LogRecord);
      done();
    },
  });
  return { logger: pino({ level: 'info' }, stream), records };
}

/** The test configuration: IMAP and LMTP on 127.0.0.1 port 0, the rest off, relay as given. */
export function testConfig(dataDir: string, relayPort: number | null, extra: ConfigInput = {}): Config {
  const off = { enabled: false };
  return configSchema.parse({
    dataDir,
    hostname: 'mail.test',
    host: '127.0.0.1',
    listeners: {
      imap: { host: '127.0.0.1', port: 0 },
      imaps: off,
      pop3: off,
      pop3s: off,
      http: off,
      lmtp: { host: '127.0.0.1', port: 0, socket: '' },
    },
    spool: { enabled: false },
    relay: relayPort === null ? {} : { host: '127.0.0.1', port: relayPort, startTls: false },
    log: { level: 'info' },
    ...extra,
  });
}

export interface MailsortServer {
  running: RunningServer;
  admin: AdminService;
  lmtpPort: number;
  imapPort: number;
  logs: LogRecord[];
  stop(): Promise<void>;
}

export const PASSWORD = 'mailsort-pass-1';

/** Starts the real server (startServer) with the relay at 127.0.0.1:relayPort. */
export async function startMailsortServer(relayPort: number | null): Promise<MailsortServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'msgstore-mailsort-e2e-'));
  const { logger, records } = memoryLogger();
  let running: RunningServer;
  try {
    running = await startServer(testConfig(dataDir, relayPort), { logger, print: () => undefined });
  } catch (err) {
    rmSync(dataDir, { recursive: true, force: true });
    throw err;
  }
  const port = (service: string): number => {
    const found = running.addresses.find((a) => a.service === service);
    if (!found) throw new Error(`no ${service} listener`);
    return found.port;
  };
  return {
    running,
    admin: new AdminService(running.ctx.store),
    lmtpPort: port('lmtp'),
    imapPort: port('imap'),
    logs: records,
    async stop() {
      await running.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export interface Transaction {
  from: string;
  rcpt: string[];
  data: string | Buffer;
}

export type Reply = [number, string];

export interface TransactionResult {
  mail: Reply;
  rcpt: Reply[];
  /** One reply per accepted recipient, after the final dot, in RCPT order. */
  data: Reply[];
}

const PYTHON_DIR = join(fileURLToPath(new URL('.', import.meta.url)), 'python');

/** Sends the transactions over one LMTP connection with Python's smtplib.LMTP. */
export function lmtpSend(port: number, transactions: Transaction[]): Promise<TransactionResult[]> {
  const job = JSON.stringify({
    transactions: transactions.map((t) => ({ from: t.from, rcpt: t.rcpt, data_b64: Buffer.from(t.data).toString('base64') })),
  });
  return new Promise((resolve, reject) => {
    const child = spawn('python3', [join(PYTHON_DIR, 'mailsort_lmtp.py'), String(port)], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code !== 0) return reject(new Error(`mailsort_lmtp.py exited with ${code}: ${stderr}`));
      resolve(JSON.parse(stdout.trim().split('\n').at(-1) ?? '[]') as TransactionResult[]);
    });
    child.stdin.end(job);
  });
}

/** Delivers one message to one recipient and answers the reply after the final dot. */
export async function deliverOne(port: number, from: string, to: string, data: string | Buffer): Promise<Reply> {
  const [result] = await lmtpSend(port, [{ from, rcpt: [to], data }]);
  const rcpt = result?.rcpt[0];
  if (!rcpt || rcpt[0] !== 250) throw new Error(`RCPT ${to} answered ${JSON.stringify(rcpt)}`);
  const reply = result.data[0];
  if (!reply) throw new Error('no reply after the final dot');
  return reply;
}

/** A message with CRLF line ends from header lines (joined) and a body. */
export function message(headers: string[], body = 'Hello.'): string {
  return `${headers.join('\r\n')}\r\n\r\n${body}\r\n`;
}

/**
 * Every selectable mailbox the user sees over IMAP (personal and shared), with the raw source
 * of each message in it, in UID order.
 */
export async function readMailboxes(imapPort: number, user: string): Promise<Map<string, string[]>> {
  const client = new ImapFlow({ host: '127.0.0.1', port: imapPort, secure: false, auth: { user, pass: PASSWORD }, logger: false, tls: { rejectUnauthorized: false } });
  await client.connect();
  const out = new Map<string, string[]>();
  try {
    for (const box of await client.list()) {
      if (box.flags.has('\\Noselect') || box.flags.has('\\NonExistent')) continue;
      const opened = await client.mailboxOpen(box.path, { readOnly: true });
      const sources: string[] = [];
      if (opened.exists > 0) {
        for await (const m of client.fetch('1:*', { source: true, uid: true })) sources.push(m.source?.toString('utf8') ?? '');
      }
      out.set(box.path, sources);
    }
  } finally {
    await client.logout();
  }
  return out;
}

/** Mailbox name -> number of messages, for the mailboxes that hold any. */
export function counts(boxes: Map<string, string[]>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [name, list] of boxes) if (list.length > 0) out[name] = list.length;
  return out;
}

/** Polls `check` every 25 ms until it is true; false after `ms`. */
export async function waitUntil(check: () => boolean, ms = 5000): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 25));
  }
  return true;
}
