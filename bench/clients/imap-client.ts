/**
 * A raw-socket IMAP4rev1 client (RFC 3501, with UIDPLUS, MOVE and IDLE) for load generation:
 * one command at a time per connection, every response read in full, literals included.
 */
import { connect, type Socket } from 'node:net';
import { SocketReader } from '../lib/socket-reader.js';
import { withTimeout } from '../lib/stats.js';
import { LITERAL_MARK, parseValues, quote, type ImapValue, type RawResponse } from './imap-values.js';

export interface Untagged {
  /** Upper-case keyword: EXISTS, EXPUNGE, FETCH, SEARCH, OK, FLAGS, CAPABILITY, ... */
  kind: string;
  /** The number before the keyword ("* 5 EXISTS"), if any. */
  number: number | null;
  raw: RawResponse;
  /** Offset in raw.text where the data after the keyword starts. */
  dataAt: number;
}

export interface TaggedReply {
  status: 'OK' | 'NO' | 'BAD';
  text: string;
  untagged: Untagged[];
}

export interface ConnectOptions {
  host: string;
  port: number;
  localAddress?: string;
  timeoutMs?: number;
}

const LITERAL_AT_END = /\{(\d+)\+?\}$/;

export class ImapError extends Error {}

interface Pending {
  tag: string;
  untagged: Untagged[];
  resolve(reply: TaggedReply): void;
  reject(error: Error): void;
}

export class ImapClient {
  private tagNumber = 0;
  private pending: Pending | null = null;
  private continuation: { resolve(): void; reject(error: Error): void } | null = null;
  private closed = false;
  /** Called for every untagged response, including those that arrive while no command runs (IDLE). */
  onUntagged: ((response: Untagged) => void) | null = null;
  greeting = '';

  private constructor(
    private readonly socket: Socket,
    private readonly reader: SocketReader,
    readonly timeoutMs: number,
  ) {}

  static async connect(options: ConnectOptions): Promise<ImapClient> {
    const timeoutMs = options.timeoutMs ?? 120_000;
    const socket = connect({ host: options.host, port: options.port, localAddress: options.localAddress });
    socket.setNoDelay(true);
    const reader = new SocketReader(socket);
    const client = new ImapClient(socket, reader, timeoutMs);
    await withTimeout(
      new Promise<void>((resolve, reject) => {
        socket.once('connect', resolve);
        socket.once('error', reject);
      }),
      timeoutMs,
      `IMAP connect to ${options.host}:${options.port}`,
    );
    const greeting = await withTimeout(client.readResponse(), timeoutMs, 'IMAP greeting');
    client.greeting = greeting.text;
    if (!greeting.text.startsWith('* OK')) {
      socket.destroy();
      throw new ImapError(`unexpected greeting: ${greeting.text}`);
    }
    void client.readLoop();
    return client;
  }

  /** One response: a line, and when it ends in a literal, the literal and the rest of the response. */
  private async readResponse(): Promise<RawResponse> {
    let text = '';
    const literals: Buffer[] = [];
    for (;;) {
      const line = (await this.reader.readLine()).toString('latin1');
      text += line;
      const match = LITERAL_AT_END.exec(line);
      if (!match) return { text, literals };
      literals.push(await this.reader.readBytes(Number(match[1])));
      text += LITERAL_MARK;
    }
  }

  private async readLoop(): Promise<void> {
    try {
      for (;;) {
        const raw = await this.readResponse();
        this.dispatch(raw);
      }
    } catch (error) {
      this.closed = true;
      const failure = error instanceof Error ? error : new Error(String(error));
      this.pending?.reject(failure);
      this.pending = null;
      this.continuation?.reject(failure);
      this.continuation = null;
    }
  }

  private dispatch(raw: RawResponse): void {
    const text = raw.text;
    if (text.startsWith('+')) {
      const waiter = this.continuation;
      this.continuation = null;
      waiter?.resolve();
      return;
    }
    if (text.startsWith('* ')) {
      const untagged = classify(raw);
      this.pending?.untagged.push(untagged);
      this.onUntagged?.(untagged);
      return;
    }
    const space = text.indexOf(' ');
    const tag = text.slice(0, space);
    const pending = this.pending;
    if (!pending || pending.tag !== tag) throw new ImapError(`reply with an unknown tag: ${text.slice(0, 200)}`);
    const rest = text.slice(space + 1);
    const statusEnd = rest.indexOf(' ');
    const status = (statusEnd < 0 ? rest : rest.slice(0, statusEnd)).toUpperCase();
    if (status !== 'OK' && status !== 'NO' && status !== 'BAD') throw new ImapError(`bad tagged reply: ${text.slice(0, 200)}`);
    this.pending = null;
    pending.resolve({ status, text: statusEnd < 0 ? '' : rest.slice(statusEnd + 1), untagged: pending.untagged });
  }

  private nextTag(): string {
    this.tagNumber++;
    return `b${this.tagNumber}`;
  }

  private waitContinuation(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.continuation = { resolve, reject };
    });
  }

  /**
   * Sends one command and answers its tagged reply with the untagged responses that came with it.
   * A literal (APPEND's message) goes last, after the server's continuation.
   */
  async command(text: string, literal?: Buffer): Promise<TaggedReply> {
    if (this.closed) throw new ImapError('connection is closed');
    if (this.pending) throw new ImapError('a command is already running on this connection');
    const tag = this.nextTag();
    const reply = new Promise<TaggedReply>((resolve, reject) => {
      this.pending = { tag, untagged: [], resolve, reject };
    });
    const run = async (): Promise<TaggedReply> => {
      if (literal) {
        const ready = this.waitContinuation();
        this.socket.write(`${tag} ${text} {${literal.length}}\r\n`);
        // A server that refuses the literal answers with a tagged NO/BAD instead of "+".
        const first = await Promise.race([ready.then(() => null), reply]);
        if (first) return first;
        this.socket.write(literal);
        this.socket.write('\r\n');
      } else {
        this.socket.write(`${tag} ${text}\r\n`);
      }
      return reply;
    };
    try {
      return await withTimeout(run(), this.timeoutMs, `IMAP ${text.split(' ')[0]}`);
    } catch (error) {
      this.destroy();
      throw error;
    }
  }

  /** Like command(), but a NO or BAD reply is an error. */
  async ok(text: string, literal?: Buffer): Promise<TaggedReply> {
    const reply = await this.command(text, literal);
    if (reply.status !== 'OK') throw new ImapError(`${text.slice(0, 60)}: ${reply.status} ${reply.text}`);
    return reply;
  }

  async login(user: string, password: string): Promise<void> {
    await this.ok(`LOGIN ${quote(user)} ${quote(password)}`);
  }

  /**
   * Starts IDLE (RFC 2177) and answers once the server has sent its continuation; call the
   * returned function to send DONE and wait for the tagged OK.
   */
  async idle(): Promise<() => Promise<TaggedReply>> {
    if (this.pending) throw new ImapError('a command is already running on this connection');
    const tag = this.nextTag();
    const reply = new Promise<TaggedReply>((resolve, reject) => {
      this.pending = { tag, untagged: [], resolve, reject };
    });
    reply.catch(() => undefined);
    const ready = this.waitContinuation();
    this.socket.write(`${tag} IDLE\r\n`);
    const first = await withTimeout(Promise.race([ready.then(() => null), reply]), this.timeoutMs, 'IMAP IDLE');
    if (first) throw new ImapError(`IDLE refused: ${first.status} ${first.text}`);
    return async () => {
      this.socket.write('DONE\r\n');
      return withTimeout(reply, this.timeoutMs, 'IMAP DONE');
    };
  }

  async logout(): Promise<void> {
    try {
      await this.command('LOGOUT');
    } catch {
      // The server may close first.
    }
    this.destroy();
  }

  destroy(): void {
    this.closed = true;
    this.socket.destroy();
  }
}

function classify(raw: RawResponse): Untagged {
  const text = raw.text;
  let at = 2;
  let number: number | null = null;
  const firstEnd = nextSpace(text, at);
  const first = text.slice(at, firstEnd);
  if (/^\d+$/.test(first)) {
    number = Number(first);
    at = firstEnd + 1;
  }
  const kindEnd = nextSpace(text, at);
  return { kind: text.slice(at, kindEnd).toUpperCase(), number, raw, dataAt: kindEnd + 1 };
}

function nextSpace(text: string, from: number): number {
  const at = text.indexOf(' ', from);
  return at < 0 ? text.length : at;
}

/** The values after the keyword of an untagged response. */
export function untaggedValues(response: Untagged): ImapValue[] {
  return response.dataAt >= response.raw.text.length ? [] : parseValues(response.raw, response.dataAt);
}

/** The UIDs of "* SEARCH ..." responses. */
export function searchUids(reply: TaggedReply): number[] {
  const out: number[] = [];
  for (const u of reply.untagged) {
    if (u.kind !== 'SEARCH') continue;
    for (const part of u.raw.text.slice(u.dataAt).split(' ')) if (/^\d+$/.test(part)) out.push(Number(part));
  }
  return out;
}

/** A response code's argument from a tagged or untagged text, e.g. code(text, 'APPENDUID'). */
export function responseCode(text: string, code: string): string | null {
  const match = new RegExp(`\\[${code}(?: ([^\\]]*))?\\]`, 'i').exec(text);
  return match ? (match[1] ?? '') : null;
}
