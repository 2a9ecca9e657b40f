/**
 * The POP3 service: a plain listener (port 110, STLS) and an implicit-TLS listener (POP3S,
 * port 995) as the configuration enables them. Connection limits are checked when a client
 * connects; each connection then runs one Pop3Session.
 */
import net from 'node:net';
import type { BoundAddress, ServerContext, Service } from '../server/context.js';
import { Pop3Connection, type TranscriptHook } from './connection.js';
import type { MaildropLocks } from './locks.js';
import { errLine } from './protocol/responses.js';
import { Pop3Session } from './session.js';

export { MaildropLocks } from './locks.js';
export type { TranscriptHook } from './connection.js';

export interface Pop3ServiceOptions {
  /**
   * The maildrop registry shared with the IMAP service (needed for config.pop3.exclusiveInbox).
   * Default: ctx.maildropLocks.
   */
  locks?: MaildropLocks;
  /** Inactivity auto-logout in ms; default config.timers.pop3IdleSeconds (tests shorten it). */
  idleTimeoutMs?: number;
  /** Per-session transcript hook factory (e.g. the log module's transcript writer). */
  transcripts?: (sessionId: string, remoteAddress: string) => TranscriptHook | undefined;
}

export function createPop3Service(ctx: ServerContext, options: Pop3ServiceOptions = {}): Service {
  const locks = options.locks ?? ctx.maildropLocks;
  const logger = ctx.logger.child({ service: 'pop3' });
  const servers: net.Server[] = [];
  /** Open sessions and the promise of each one's run, so stop() can wait for them to finish. */
  const sessions = new Map<Pop3Session, Promise<void>>();
  let nextSessionId = 1;

  function accept(socket: net.Socket, secure: boolean): void {
    socket.on('error', () => undefined);
    const ip = socket.remoteAddress ?? '';
    const slot = ctx.limits.open('pop3', ip);
    if (!slot.ok) {
      logger.warn({ ip, reason: slot.reason }, 'pop3 connection refused');
      socket.end(errLine(slot.reason, 'SYS/TEMP'));
      return;
    }
    const id = nextSessionId++;
    const transcript = options.transcripts?.(String(id), ip);
    const connection = new Pop3Connection(socket, {
      secure,
      maxLineBytes: ctx.config.limits.maxPreauthBytes,
      // Read per connection, so a configuration reload applies to new sessions.
      idleTimeoutMs: options.idleTimeoutMs ?? ctx.config.timers.pop3IdleSeconds * 1000,
      ...(transcript ? { transcript } : {}),
    });
    const session = new Pop3Session(ctx, connection, {
      locks,
      logger: logger.child({ session: id, ip }),
      tlsAvailable: !secure,
    });
    const running = session.run().finally(() => {
      sessions.delete(session);
      slot.release();
    });
    sessions.set(session, running);
  }

  async function listen(server: net.Server, service: string, host: string, port: number): Promise<BoundAddress> {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    servers.push(server);
    server.on('error', (err) => logger.error({ err }, 'pop3 listener error'));
    const address = server.address() as net.AddressInfo;
    return { service, host: address.address, port: address.port };
  }

  return {
    name: 'pop3',
    async start() {
      const bound: BoundAddress[] = [];
      const { pop3, pop3s } = ctx.config.listeners;
      try {
        if (pop3.enabled) {
          const server = net.createServer({ allowHalfOpen: true }, (socket) => accept(socket, false));
          bound.push(await listen(server, 'pop3', pop3.host ?? ctx.config.host, pop3.port));
        }
        if (pop3s.enabled) {
          // The provider's server follows certificate reloads, with or without SNI.
          const server = ctx.tls.createServer({ allowHalfOpen: true }, (socket) => accept(socket, true));
          server.on('tlsClientError', (err) => logger.debug({ err }, 'pop3s handshake failed'));
          bound.push(await listen(server, 'pop3s', pop3s.host ?? ctx.config.host, pop3s.port));
        }
      } catch (err) {
        await closeServers();
        throw err;
      }
      return bound;
    },
    async stop() {
      const closing = closeServers();
      const running = [...sessions.values()];
      await Promise.all([...sessions.keys()].map((s) => s.shutdown()));
      await Promise.all(running);
      await closing;
    },
  };

  function closeServers(): Promise<void> {
    const all = servers.splice(0).map((server) => new Promise<void>((resolve) => server.close(() => resolve())));
    return Promise.all(all).then(() => undefined);
  }
}
