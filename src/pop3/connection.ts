/**
 * One client connection: splits input into lines, queues pipelined commands (pausing the
 * socket when too many wait), writes with backpressure, enforces the inactivity timer and
 * switches to TLS for STLS. It knows nothing about POP3 commands.
 */
import type { Socket } from 'node:net';
import tls from 'node:tls';
import { LineReader, type LineEvent } from './protocol/line-reader.js';

export type TranscriptDirection = 'in' | 'out';

/**
 * Per-session transcripts hook in here (the same shape as the IMAP server's hook): each
 * protocol line in and out, without its CRLF. Secrets are already masked by the session
 * (PASS, APOP digests, SASL payloads) and message bodies are summarised as one line.
 */
export interface TranscriptHook {
  onLine(direction: TranscriptDirection, bytes: Buffer): void;
  /** The session logged in as `user`. */
  onLogin?(user: string): void;
  /** The session ended. */
  onClose?(): void;
}

export interface ConnectionOptions {
  secure: boolean;
  maxLineBytes: number;
  /** Inactivity auto-logout; the socket is closed without a response (RFC 1939 section 3). */
  idleTimeoutMs: number;
  transcript?: TranscriptHook;
}

/** Thrown by writes once the peer is gone, so a message stream stops reading its file. */
export class ConnectionClosedError extends Error {
  constructor() {
    super('connection closed');
    this.name = 'ConnectionClosedError';
  }
}

/** Lines waiting before the socket is paused; pipelining clients send batches, not floods. */
const PAUSE_AT_QUEUED_LINES = 128;

export class Pop3Connection {
  private socket: Socket;
  private readonly reader: LineReader;
  private queue: LineEvent[] = [];
  private waiter: ((event: LineEvent | null) => void) | null = null;
  private drainWaiters: (() => void)[] = [];
  private isClosed = false;
  private isSecure: boolean;
  private isPaused = false;
  readonly remoteAddress: string;
  private readonly closedPromise: Promise<void>;
  private markClosed!: () => void;
  private timedOut = false;
  /** The client sent FIN; no more lines will come. */
  private inputEnded = false;

  constructor(socket: Socket, private readonly options: ConnectionOptions) {
    this.socket = socket;
    this.isSecure = options.secure;
    this.remoteAddress = socket.remoteAddress ?? '';
    this.reader = new LineReader(options.maxLineBytes);
    this.closedPromise = new Promise<void>((resolve) => (this.markClosed = resolve));
    this.attach(socket);
  }

  get secure(): boolean {
    return this.isSecure;
  }

  get closed(): boolean {
    return this.isClosed;
  }

  /** True when the connection ended because of the inactivity timer. */
  get idleTimedOut(): boolean {
    return this.timedOut;
  }

  /**
   * The inactivity timer measures the client's silence, so it is off while the server works on
   * a command (a slow login or store call is not the client idling) and restarts afterwards.
   */
  setBusy(busy: boolean): void {
    if (!this.isClosed) this.socket.setTimeout(busy ? 0 : this.options.idleTimeoutMs);
  }

  setMaxLineBytes(bytes: number): void {
    this.reader.setMaxLineBytes(bytes);
  }

  /** Reports protocol text to the transcript hook, one call per line. */
  transcript(direction: TranscriptDirection, bytes: Buffer): void {
    const hook = this.options.transcript;
    if (hook === undefined) return;
    let from = 0;
    while (from < bytes.length) {
      const lf = bytes.indexOf(0x0a, from);
      const end = lf === -1 ? bytes.length : lf;
      const lineEnd = end > from && bytes[end - 1] === 0x0d ? end - 1 : end;
      hook.onLine(direction, bytes.subarray(from, lineEnd));
      from = end + 1;
    }
  }

  transcriptLogin(user: string): void {
    this.options.transcript?.onLogin?.(user);
  }

  transcriptClose(): void {
    this.options.transcript?.onClose?.();
  }

  /** The next complete line (or an oversized-line notice); null once the connection is closed. */
  nextLine(): Promise<LineEvent | null> {
    const event = this.queue.shift();
    if (event !== undefined) {
      this.resumeIfDrained();
      return Promise.resolve(event);
    }
    if (this.isClosed || this.inputEnded) return Promise.resolve(null);
    return new Promise((resolve) => (this.waiter = resolve));
  }

  /** Writes a protocol response and reports it to the transcript hook. */
  async writeResponse(bytes: Buffer): Promise<void> {
    this.transcript('out', bytes);
    await this.write(bytes);
  }

  /** Writes bytes, waiting for the socket to drain when its buffer is full. */
  async write(bytes: Buffer): Promise<void> {
    if (this.isClosed || this.socket.destroyed) throw new ConnectionClosedError();
    if (this.socket.write(bytes)) return;
    // Waiting on the client to read: a client that stops reading is idle too.
    this.socket.setTimeout(this.options.idleTimeoutMs);
    await new Promise<void>((resolve) => {
      this.drainWaiters.push(resolve);
      this.socket.once('drain', () => this.wakeDrainWaiters());
    });
    if (this.isClosed) throw new ConnectionClosedError();
  }

  /**
   * Answers STLS with `okResponse` and switches to TLS. Everything the client sent with or after
   * the STLS line and before the +OK went out is thrown away, never run as a command (the
   * command-injection defence of RFC 2595 / RFC 8314). What arrives after the +OK is the TLS
   * handshake and is handed to the TLS layer untouched.
   */
  async startTls(secureContext: tls.SecureContext, okResponse: Buffer): Promise<void> {
    const raw = this.socket;
    this.detach(raw);
    raw.pause();
    this.queue = [];
    this.reader.discard();
    while (raw.read() !== null) {
      // Bytes read from the kernel but not yet handed out: sent before the +OK, so dropped.
    }
    this.transcript('out', okResponse);
    await new Promise<void>((resolve) => raw.write(okResponse, () => resolve()));
    if (raw.destroyed) {
      this.onClose();
      return;
    }
    raw.setTimeout(0);
    // The raw socket's own errors surface on the TLS socket; keep a listener so none is unhandled.
    raw.on('error', () => undefined);
    const secure = new tls.TLSSocket(raw, { isServer: true, secureContext });
    this.socket = secure;
    this.isSecure = true;
    this.isPaused = false;
    this.inputEnded = false;
    this.attach(secure);
  }

  /** Ends the connection after pending output is written. */
  async end(): Promise<void> {
    if (this.isClosed) return;
    this.socket.end();
    const timer = setTimeout(() => this.socket.destroy(), 5000);
    await this.closedPromise;
    clearTimeout(timer);
  }

  destroy(): void {
    this.socket.destroy();
  }

  private attach(socket: Socket): void {
    // Responses are written in pieces (status, body, terminator); Nagle plus delayed ACKs would
    // stall each pipelined answer, so every write goes out at once.
    socket.setNoDelay(true);
    socket.setTimeout(this.options.idleTimeoutMs);
    socket.on('data', this.onData);
    socket.on('end', this.onEnd);
    socket.on('close', this.onCloseEvent);
    socket.on('error', this.onError);
    socket.on('timeout', this.onTimeout);
  }

  private detach(socket: Socket): void {
    socket.off('data', this.onData);
    socket.off('end', this.onEnd);
    socket.off('close', this.onCloseEvent);
    socket.off('error', this.onError);
    socket.off('timeout', this.onTimeout);
  }

  private readonly onData = (chunk: Buffer): void => {
    for (const event of this.reader.feed(chunk)) this.enqueue(event);
    if (this.queue.length >= PAUSE_AT_QUEUED_LINES && !this.isPaused) {
      this.isPaused = true;
      this.socket.pause();
    }
  };

  private readonly onEnd = (): void => {
    // Half-close from the client: the queued commands are still answered, then the session ends.
    this.inputEnded = true;
    if (this.queue.length === 0) this.wakeReader(null);
  };

  private readonly onCloseEvent = (): void => this.onClose();

  private readonly onError = (): void => {
    // 'close' follows; the session logs the disconnect.
  };

  private readonly onTimeout = (): void => {
    this.timedOut = true;
    this.socket.destroy();
  };

  private onClose(): void {
    if (this.isClosed) return;
    this.isClosed = true;
    this.queue = [];
    this.wakeDrainWaiters();
    this.wakeReader(null);
    this.markClosed();
  }

  private enqueue(event: LineEvent): void {
    if (this.waiter !== null) this.wakeReader(event);
    else this.queue.push(event);
  }

  private wakeReader(event: LineEvent | null): void {
    const waiter = this.waiter;
    this.waiter = null;
    waiter?.(event);
  }

  private resumeIfDrained(): void {
    if (this.isPaused && this.queue.length < PAUSE_AT_QUEUED_LINES / 4 && !this.isClosed) {
      this.isPaused = false;
      this.socket.resume();
    }
  }

  private wakeDrainWaiters(): void {
    const waiters = this.drainWaiters;
    this.drainWaiters = [];
    for (const wake of waiters) wake();
  }
}
