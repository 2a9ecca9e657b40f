/**
 * Which services `msgstore serve` runs, built from the configuration: IMAP/IMAPS, POP3/POP3S,
 * LMTP (TCP and unix socket), the spool agent, the HTTP service (web UI, REST API), the outbound
 * sender, and the store's cross-process notice listener. Each listener can be switched off in
 * the configuration; the others go on.
 */
import { createSpoolService } from '../delivery/spool.js';
import { createImapService } from '../imap/index.js';
import { createDeliveryPipeline, createLmtpService } from '../lmtp/index.js';
import { MailSortEngine } from '../mailsort/engine.js';
import { OutboundSender } from '../outbound/sender.js';
import { createPop3Service, type TranscriptHook as Pop3TranscriptHook } from '../pop3/index.js';
import { TranscriptDirectory } from '../log/transcript.js';
import { SqliteStore, startNotifyListener, type NotifyListener } from '../store/index.js';
import { createHttpService, ensureAdminCredential } from '../web/index.js';
import { configuredListeners } from '../web/listener-probe.js';
import type { ListenerStatus } from '../web/web-context.js';
import { dataPaths, type BoundAddress, type ServerContext, type Service } from './context.js';

export interface BuiltServices {
  services: Service[];
  /** Work after every listener is up (first-start messages, queue warnings). */
  afterStart(): Promise<void>;
  /** Work after the listeners stopped and before the store closes. */
  beforeClose(): Promise<void>;
}

export async function buildServices(ctx: ServerContext, print: (line: string) => void): Promise<BuiltServices> {
  const { config } = ctx;
  const sender = new OutboundSender({ store: ctx.store, logger: ctx.logger.child({ service: 'outbound' }), config: config.relay, hostname: ctx.hostname, metrics: ctx.metrics });
  const sorter = new MailSortEngine({ store: ctx.store, logger: ctx.logger.child({ service: 'mailsort' }), hostname: ctx.hostname });
  const pipeline = createDeliveryPipeline(ctx, { sorter, onOutbound: () => sender.kick() });

  // What each listener really bound (port 0 becomes a real port), for the web UI's server page.
  const bound: BoundAddress[] = [];
  const recorded = (service: Service): Service => {
    let mine: BoundAddress[] = [];
    return {
      name: service.name,
      async start() {
        mine = await service.start();
        bound.push(...mine);
        return mine;
      },
      async stop() {
        for (const address of mine) bound.splice(bound.indexOf(address), 1);
        mine = [];
        await service.stop();
      },
    };
  };
  const listenerStatus = (): ListenerStatus[] =>
    configuredListeners(ctx).map((listener) => {
      const live = bound.find((b) => b.service === listener.name);
      return live ? { ...listener, host: live.host, port: live.port, state: 'running' as const } : listener.state === 'configured' ? { ...listener, state: 'stopped' as const } : listener;
    });

  // POP3 sessions write log/P<n>.log as the configuration asks (IMAP does the same for I<n>.log).
  const pop3Transcripts = new TranscriptDirectory(dataPaths(config).logDir, config.log.transcripts, config.log.transcriptMaxBytes);
  const pop3Transcript = (): Pop3TranscriptHook | undefined => {
    const t = pop3Transcripts.session('pop3');
    if (!t) return undefined;
    return {
      onLine: (direction, bytes) => (direction === 'in' ? t.client(bytes) : t.server(bytes)),
      onLogin: (user) => t.loggedIn(user),
      onClose: () => void t.close(),
    };
  };

  const services: Service[] = [];
  if (config.listeners.imap.enabled || config.listeners.imaps.enabled) services.push(createImapService(ctx));
  if (config.listeners.pop3.enabled || config.listeners.pop3s.enabled) services.push(createPop3Service(ctx, { locks: ctx.maildropLocks, transcripts: pop3Transcript }));
  if (config.listeners.lmtp.enabled) services.push(createLmtpService(ctx, pipeline));
  if (config.spool.enabled) services.push(createSpoolService(ctx, pipeline));
  if (config.listeners.http.enabled) services.push(createHttpService(ctx, { listenerStatus }));

  let notices: NotifyListener | null = null;
  return {
    services: services.map(recorded),
    async afterStart() {
      // `msgstore deliver` and other processes on this data directory tell this server's sessions.
      if (ctx.store instanceof SqliteStore) notices = await startNotifyListener(ctx.store, dataPaths(config).notifySocket);
      const adminPassword = await ensureAdminCredential(ctx);
      if (adminPassword !== null) {
        print(`msgstore: web admin user "admin" created with password: ${adminPassword}`);
        print('msgstore: (shown once; change it on the web UI or with the REST API)');
      }
      sender.start();
    },
    async beforeClose() {
      await sender.stop();
      await notices?.close();
      notices = null;
    },
  };
}
