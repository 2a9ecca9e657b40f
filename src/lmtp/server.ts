/**
 * LMTP listeners: TCP (loopback by default) and a unix socket, each connection run by an
 * LmtpSession over the shared delivery pipeline.
 */
import { chmodSync, existsSync, lstatSync, mkdirSync, unlinkSync } from 'node:fs';
import net from 'node:net';
import { dirname } from 'node:path';
import type { DeliveryPipeline } from '../delivery/pipeline.js';
import type { BoundAddress, ServerContext, Service } from '../server/context.js';
import { LmtpSession } from './session.js';

/** How long stop() waits for deliveries under way before cutting connections. */
const STOP_GRACE_MS = 10_000;
/** Longest LMTP command line; RFC 5321 asks for 512, ESMTP parameters make it longer. */
const MAX_COMMAND_LINE = 4096;

export interface LmtpListen {
  tcp: { host: string; port: number } | null;
  /** Unix socket path, or null for none. */
  socket: string | null;
}

export class LmtpServer implements Service {
  readonly name = 'lmtp';
  private readonly servers: net.Server[] = [];
  private readonly sessions = new Map<net.Socket, LmtpSession>();
  private socketPath: string | null = null;

  constructor(
    private readonly ctx: ServerContext,
    private readonly pipeline: DeliveryPipeline,
    private readonly listen: LmtpListen,
  ) {}

  async start(): Promise<BoundAddress[]> {
    const bound: BoundAddress[] = [];
    try {
      if (this.listen.tcp) {
        const server = this.makeServer();
        const { host, port } = this.listen.tcp;
        await listen(server, { host, port });
        const address = server.address() as net.AddressInfo;
        bound.push({ service: 'lmtp', host, port: address.port });
      }
      if (this.listen.socket) {
        const path = this.listen.socket;
        mkdirSync(dirname(path), { recursive: true });
        await removeStaleSocket(path);
        const server = this.makeServer();
        await listen(server, { path });
        this.socketPath = path;
        // The MTA usually runs as another user; the socket is as open as TCP port 24 on loopback.
        chmodSync(path, 0o666);
        bound.push({ service: 'lmtp-unix', host: path, port: 0 });
      }
    } catch (err) {
      await this.stop();
      throw err;
    }
    return bound;
  }

  async stop(): Promise<void> {
    const closed = this.servers.splice(0).map((s) => new Promise<void>((resolve) => s.close(() => resolve())));
    const sessions = [...this.sessions.entries()];
    const graceful = Promise.all(sessions.map(([, session]) => session.shutdown()));
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([graceful, new Promise<void>((resolve) => (timer = setTimeout(resolve, STOP_GRACE_MS)))]);
    clearTimeout(timer);
    for (const [socket] of this.sessions) socket.destroy();
    await Promise.all(closed);
    if (this.socketPath) {
      try {
        unlinkSync(this.socketPath);
      } catch {
        // Already gone.
      }
      this.socketPath = null;
    }
  }

  private makeServer(): net.Server {
    const server = net.createServer((socket) => this.accept(socket));
    server.on('error', (err) => this.ctx.logger.error({ err }, 'lmtp: listener error'));
    this.servers.push(server);
    return server;
  }

  private accept(socket: net.Socket): void {
    const ip = socket.remoteAddress ?? 'unix';
    const remote = socket.remoteAddress ? `${socket.remoteAddress}:${socket.remotePort ?? 0}` : 'unix';
    const { config, logger, hostname } = this.ctx;
    socket.on('error', (err) => logger.debug({ remote, err }, 'lmtp: connection error'));
    const slot = this.ctx.limits.open('lmtp', ip);
    if (!slot.ok) {
      logger.warn({ remote, reason: slot.reason }, 'lmtp: connection refused');
      socket.end(`421 4.7.0 ${hostname} ${slot.reason}\r\n`);
      return;
    }
    socket.setNoDelay(true);
    const session = new LmtpSession({
      pipeline: this.pipeline,
      logger,
      hostname,
      remote,
      maxMessageBytes: config.limits.maxMessageBytes,
      maxLineBytes: MAX_COMMAND_LINE,
      maxBadCommands: config.limits.maxBadCommands,
      transport: {
        write: (data) => {
          if (!socket.destroyed) socket.write(data);
        },
        end: () => socket.end(),
      },
    });
    this.sessions.set(socket, session);
    socket.setTimeout(config.timers.lmtpIdleSeconds * 1000, () => session.timeout());
    logger.debug({ remote }, 'lmtp: connection opened');
    socket.on('close', () => {
      logger.debug({ remote }, 'lmtp: connection closed');
      session.connectionLost();
      this.sessions.delete(socket);
      slot.release();
    });
    socket.on('data', (chunk: Buffer) => {
      // One chunk at a time: the next is read only when this one's commands are handled.
      socket.pause();
      session
        .receive(chunk)
        .catch((err: unknown) => {
          logger.error({ remote, err }, 'lmtp: session failed');
          socket.destroy();
        })
        .finally(() => {
          if (!socket.destroyed) socket.resume();
        });
    });
    session.greet();
  }
}

function listen(server: net.Server, options: net.ListenOptions): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error) => reject(err);
    server.once('error', onError);
    server.listen(options, () => {
      server.off('error', onError);
      resolve();
    });
  });
}

/** A socket file left by a crashed server is removed; one a live server answers on is not. */
async function removeStaleSocket(path: string): Promise<void> {
  if (!existsSync(path)) return;
  if (!lstatSync(path).isSocket()) throw new Error(`${path} exists and is not a socket`);
  const alive = await new Promise<boolean>((resolve) => {
    const probe = net.connect({ path });
    probe.once('connect', () => {
      probe.destroy();
      resolve(true);
    });
    probe.once('error', () => resolve(false));
  });
  if (alive) throw Object.assign(new Error(`another server is listening on ${path}`), { code: 'EADDRINUSE' });
  unlinkSync(path);
}
