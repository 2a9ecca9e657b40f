/**
 * The composition root of `msgstore serve`: one configuration snapshot, one store, one logger,
 * and every enabled service started on it. Stopping ends the services first, then the store.
 */
import { mkdirSync } from 'node:fs';
import type { Config } from '../config/schema.js';
import { createLogger, type Logger } from '../log/logger.js';
import { createServerContext, dataPaths, type BoundAddress, type ServerContext, type Service } from './context.js';
import { buildServices } from './services.js';

export interface RunningServer {
  ctx: ServerContext;
  addresses: BoundAddress[];
  /**
   * SIGHUP: takes the new configuration's limits, timers, auth throttling and log level, and
   * re-reads the TLS certificate and key, without dropping a session. Listener addresses and
   * the data directory need a restart and are kept.
   */
  reload(next: Config): Promise<void>;
  stop(): Promise<void>;
}

export async function startServer(config: Config, options: { logger?: Logger; print?: (line: string) => void } = {}): Promise<RunningServer> {
  const paths = dataPaths(config);
  mkdirSync(paths.runDir, { recursive: true });
  const logger = options.logger ?? createLogger({ level: config.log.level, dir: paths.logDir });
  const print = options.print ?? ((line: string) => process.stdout.write(line + '\n'));
  const ctx = await createServerContext(config, logger);
  const built = await buildServices(ctx, print);
  const started: Service[] = [];
  const addresses: BoundAddress[] = [];
  try {
    for (const service of built.services) {
      const bound = await service.start();
      started.push(service);
      for (const address of bound) {
        addresses.push(address);
        // A unix socket has a path and no port.
        print(`msgstore: ${address.service} listening on ${address.host.includes('/') ? address.host : `${address.host}:${address.port}`}`);
      }
    }
    await built.afterStart();
  } catch (err) {
    for (const service of started.reverse()) await service.stop().catch(() => undefined);
    await built.beforeClose().catch(() => undefined);
    await ctx.store.close();
    throw err;
  }
  logger.info({ event: 'start', addresses }, 'msgstore started');
  print(`msgstore: ready (data in ${paths.dataDir})`);

  let stopping: Promise<void> | undefined;
  return {
    ctx,
    addresses,
    async reload(next: Config) {
      await ctx.tls.reload();
      const current = ctx.config;
      ctx.config = { ...next, dataDir: current.dataDir, mailRoot: current.mailRoot, host: current.host, listeners: current.listeners, spool: current.spool, tls: { ...next.tls, certFile: current.tls.certFile, keyFile: current.tls.keyFile } };
      ctx.limits.update(next.limits);
      ctx.throttle.update(next.auth);
      logger.level = next.log.level;
      logger.info({ event: 'reload', logLevel: next.log.level }, 'configuration reloaded');
    },
    stop() {
      stopping ??= (async () => {
        for (const service of [...started].reverse()) {
          await service.stop().catch((err: unknown) => logger.error({ err, service: service.name }, 'service did not stop cleanly'));
        }
        await built.beforeClose();
        logger.info({ event: 'stop' }, 'msgstore stopped');
        await ctx.store.close();
        logger.flush?.();
      })();
      return stopping;
    },
  };
}
