/**
 * The IMAP listeners: port 143 (plaintext with STARTTLS) and 993 (implicit TLS). Each accepted
 * connection gets a connection slot (total and per IP), a socket transport and a session. The
 * only per-connection timer is the socket's own inactivity timeout (Node keeps one list per
 * duration), which ends the session with BYE.
 */
import net from 'node:net';
import tls from 'node:tls';
import { once } from 'node:events';
import type { ServerContext } from '../server/context.js';
import { ImapSession } from './session/session.js';
import type { ImapTransport, TranscriptHook } from './session/state.js';

export interface ImapServerOptions {
  /** Inactivity auto-logout; defaults to the configuration (at least 30 minutes). */
  idleTimeoutMs?: number;
  /** Per-session transcript hook factory (e.g. the log module's transcript writer). */
  transcripts?: (sessionId: string, remoteAddress: string) => TranscriptHook | undefined;
}

/** Closing: how long a peer gets to read the BYE before the socket is destroyed. */
const CLOSE_GRACE_MS = 2000;

class SocketTransport implements ImapTransport {
  private socket: net.Socket;
  private upgraded = false;
  private corked = false;
  private readonly isImplicitTls: boolean;

  constructor(
    socket: net.Socket,
    implicitTls: boolean,
    private readonly ctx: ServerContext,
    private readonly onData: (chunk: Buffer) => void,
    private readonly idleTimeoutMs: number,
    /** Returns false when the session is busy: the timer is then armed again. */
    private readonly onTimeout: () => boolean,
    private readonly onClose: () => void,
  ) {
    this.socket = socket;
    this.isImplicitTls = implicitTls;
    this.attach(socket);
  }

  private attach(socket: net.Socket): void {
    socket.on('data', this.onData);
    socket.setTimeout(this.idleTimeoutMs);
    socket.on('timeout', () => {
      if (!this.onTimeout() && socket === this.socket) socket.setTimeout(this.idleTimeoutMs);
    });
    socket.on('close', this.onClose);
    socket.on('error', () => socket.destroy());
  }

  get remoteAddress(): string {
    return this.socket.remoteAddress ?? '';
  }

  get secure(): boolean {
    return this.isImplicitTls || this.upgraded;
  }

  write(bytes: Buffer): boolean {
    const socket = this.socket;
    if (socket.destroyed || !socket.writable) return true;
    // A response is many small pieces: gather everything written in this turn of the event
    // loop into one system call instead of one per piece.
    if (!this.corked) {
      this.corked = true;
      socket.cork();
      setImmediate(() => {
        this.corked = false;
        socket.uncork();
      });
    }
    return socket.write(bytes);
  }

  async drain(): Promise<void> {
    if (this.socket.destroyed || !this.socket.writableNeedDrain) return;
    await Promise.race([once(this.socket, 'drain'), once(this.socket, 'close')]);
  }

  async startTls(): Promise<void> {
    const plain = this.socket;
    // The OK to STARTTLS goes out in plaintext, before the handshake takes the socket over.
    plain.uncork();
    // From here on, bytes on the wire belong to the TLS handshake: nothing sent in plaintext
    // after STARTTLS is ever read as a command.
    plain.removeListener('data', this.onData);
    plain.removeListener('close', this.onClose);
    plain.removeAllListeners('timeout');
    plain.setTimeout(0);
    const secure = new tls.TLSSocket(plain, { isServer: true, secureContext: this.ctx.tls.secureContext() });
    this.socket = secure;
    this.upgraded = true;
    this.attach(secure);
    plain.on('close', this.onClose);
  }

  pause(): void {
    this.socket.pause();
  }

  resume(): void {
    this.socket.resume();
  }

  close(): void {
    const socket = this.socket;
    socket.end();
    setTimeout(() => socket.destroy(), CLOSE_GRACE_MS).unref();
  }
}

export class ImapListeners {
  private readonly servers: net.Server[] = [];
  private readonly sessions = new Set<ImapSession>();
  private readonly sockets = new Set<net.Socket>();
  private nextId = 1;

  constructor(
    private readonly ctx: ServerContext,
    private readonly options: ImapServerOptions = {},
  ) {}

  private get idleTimeoutMs(): number {
    return this.options.idleTimeoutMs ?? this.ctx.config.timers.imapIdleSeconds * 1000;
  }

  /** Listens on one address; implicit TLS for IMAPS. */
  async listen(host: string, port: number, implicitTls: boolean): Promise<net.AddressInfo> {
    const server = implicitTls
      ? this.ctx.tls.createServer({}, (socket) => this.accept(socket, true))
      : net.createServer((socket) => this.accept(socket, false));
    if (implicitTls) server.on('tlsClientError', () => undefined);
    server.on('error', (err) => this.ctx.logger.error({ err }, 'imap listener error'));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.servers.push(server);
    return server.address() as net.AddressInfo;
  }

  private accept(socket: net.Socket, implicitTls: boolean): void {
    const ip = socket.remoteAddress ?? '';
    const slot = this.ctx.limits.open('imap', ip);
    if (!slot.ok) {
      socket.on('error', () => socket.destroy());
      socket.end(`* BYE [UNAVAILABLE] ${slot.reason}\r\n`);
      setTimeout(() => socket.destroy(), CLOSE_GRACE_MS).unref();
      return;
    }
    socket.setNoDelay(true);
    this.sockets.add(socket);
    const id = `imap-${process.pid}-${this.nextId++}`;
    let session: ImapSession | null = null;
    const transport = new SocketTransport(
      socket,
      implicitTls,
      this.ctx,
      (chunk) => session?.onData(chunk),
      this.idleTimeoutMs,
      () => session?.autoLogout() ?? true,
      () => {
        slot.release();
        this.sockets.delete(socket);
        if (session) {
          session.onClose();
          this.sessions.delete(session);
        }
      },
    );
    session = new ImapSession({
      ctx: this.ctx,
      transport,
      startTlsAvailable: !implicitTls,
      transcript: this.options.transcripts?.(id, ip),
      id,
    });
    this.sessions.add(session);
    session.start();
  }

  /** Stops listening and ends every session with BYE. */
  async close(): Promise<void> {
    // server.close() resolves only once every connection is gone, so sessions are ended first.
    const closed = Promise.all(this.servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
    this.servers.length = 0;
    for (const session of this.sessions) session.end('Server shutting down');
    const deadline = Date.now() + CLOSE_GRACE_MS + 500;
    while (this.sockets.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
    this.sessions.clear();
    await closed;
  }
}
