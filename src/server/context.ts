/**
 * What every service is handed by the composition root: one configuration snapshot, the store,
 * the logger, TLS material, the authenticator and the connection limits. No module keeps
 * global state of its own.
 */
import { hostname as osHostname } from 'node:os';
import { resolve } from 'node:path';
import type { Logger } from 'pino';
import { Authenticator } from '../auth/authenticator.js';
import { LoginThrottle } from '../auth/throttle.js';
import type { Config } from '../config/schema.js';
import { ConnectionLimits } from '../net/limits.js';
import { TlsProvider } from '../net/tls.js';
import { MaildropLocks } from '../pop3/locks.js';
import { createServerMetrics, type ServerMetrics } from '../metrics/registry.js';
import { openStore } from '../store/index.js';
import type { Store } from '../store/types.js';

export interface ServerContext {
  config: Config;
  store: Store;
  logger: Logger;
  tls: TlsProvider;
  auth: Authenticator;
  throttle: LoginThrottle;
  limits: ConnectionLimits;
  /** Who has which maildrop open (POP3 exclusivity, and the strict IMAP/POP3 mode). */
  maildropLocks: MaildropLocks;
  /** Counters and histograms served at /metrics. */
  metrics: ServerMetrics;
  hostname: string;
}

export interface BoundAddress {
  service: string;
  host: string;
  port: number;
}

export interface Service {
  readonly name: string;
  /** Starts listening; resolves with the addresses really bound (port 0 becomes a real port). */
  start(): Promise<BoundAddress[]>;
  /** Stops accepting, ends sessions politely, resolves when all are closed. */
  stop(): Promise<void>;
}

/** Absolute paths derived from the configuration. */
export function dataPaths(config: Config) {
  const dataDir = resolve(config.dataDir);
  return {
    dataDir,
    mailRoot: resolve(config.mailRoot ?? `${dataDir}/mail`),
    logDir: `${dataDir}/log`,
    runDir: `${dataDir}/run`,
    spoolDir: resolve(config.spool.dir ?? `${dataDir}/spool`),
    lmtpSocket: config.listeners.lmtp.socket === undefined ? `${dataDir}/run/lmtp.sock` : config.listeners.lmtp.socket,
    notifySocket: `${dataDir}/run/notify.sock`,
  };
}

export async function createServerContext(config: Config, logger: Logger): Promise<ServerContext> {
  const paths = dataPaths(config);
  const hostname = config.hostname ?? osHostname();
  const store = await openStore({ dataDir: paths.dataDir, mailRoot: paths.mailRoot, logger });
  try {
    const tls = await TlsProvider.load({ certFile: config.tls.certFile, keyFile: config.tls.keyFile, dataDir: paths.dataDir, hostname });
    const throttle = new LoginThrottle(config.auth);
    const metrics = createServerMetrics();
    return {
      config,
      store,
      logger,
      tls,
      auth: new Authenticator(store, throttle, logger, metrics),
      throttle,
      limits: new ConnectionLimits(config.limits),
      maildropLocks: new MaildropLocks(),
      metrics,
      hostname,
    };
  } catch (err) {
    await store.close();
    throw err;
  }
}
