/**
 * The outbound queue sender: sends forwards and vacation replies waiting in the store's queue
 * to the configured SMTP relay. One timer drains the queue (kick() after an enqueue drains at
 * once); a temporary failure is retried with doubling delays, a permanent one (5xx for the
 * message, or the queue age limit) is logged and the message removed. A row leaves the queue
 * only after the relay accepted it, so nothing is lost across a restart.
 */
import nodemailer from 'nodemailer';
import type { Logger } from 'pino';
import type { Config } from '../config/schema.js';
import type { OutboundMessage, Store } from '../store/types.js';
import { classifySmtpError, isTemporaryRejection, retryDelayMs } from './classify.js';

export type RelayConfig = Config['relay'];

/** Timing knobs; the defaults suit a server, tests shorten them. */
export interface SenderTiming {
  /** Queue scan interval when nothing was kicked (default 30 s). */
  pollMs: number;
  /** First retry delay after a temporary failure; it doubles with each failure (default 60 s). */
  retryBaseMs: number;
  /** Longest retry delay (default 1 h). */
  retryMaxMs: number;
  /** Connect, greeting and socket timeouts towards the relay (default 30 s). */
  smtpTimeoutMs: number;
  /** Messages taken from the queue per batch (default 20). */
  batchSize: number;
}

const DEFAULT_TIMING: SenderTiming = {
  pollMs: 30_000,
  retryBaseMs: 60_000,
  retryMaxMs: 60 * 60_000,
  smtpTimeoutMs: 30_000,
  batchSize: 20,
};

/** Batches per drain at most, so one drain never runs unbounded. */
const MAX_BATCHES_PER_DRAIN = 50;

export interface OutboundSenderDeps {
  store: Pick<Store, 'dueOutbound' | 'completeOutbound' | 'failOutbound' | 'enqueueOutbound' | 'outboundStats'>;
  logger: Logger;
  config: RelayConfig;
  /** Our name in EHLO. */
  hostname: string;
  timing?: Partial<SenderTiming>;
  /** The clock (tests move it). */
  now?: () => Date;
  /** Counts each attempt's outcome (sent, partial, permanent, expired, retry) for /metrics. */
  metrics?: { outboundSent: { inc(labels: Record<string, string>): void } };
}

interface SendResult {
  accepted: string[];
  rejected: string[];
  rejectedErrors?: unknown[];
}

interface RelayTransport {
  sendMail(mail: { envelope: { from: string; to: string[] }; raw: Buffer }): Promise<SendResult>;
  close(): void;
}

function createRelayTransport(config: RelayConfig, hostname: string, timeoutMs: number): RelayTransport {
  const auth = config.user ? { user: config.user, pass: config.password ?? '' } : undefined;
  const transport = nodemailer.createTransport({
    host: config.host,
    port: config.port,
    // Port 465 speaks TLS from the start (RFC 8314); elsewhere STARTTLS is used when offered.
    secure: config.port === 465,
    ignoreTLS: !config.startTls,
    // Credentials never cross the wire in clear text.
    requireTLS: config.startTls && auth !== undefined && config.port !== 465,
    auth,
    name: hostname,
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs * 2,
    // The relay is the site's own MTA, often with a self-signed certificate.
    tls: { rejectUnauthorized: false },
  });
  return {
    sendMail: async (mail) => (await transport.sendMail(mail)) as SendResult,
    close: () => transport.close(),
  };
}

function recipientOf(err: unknown): string | null {
  const r = (err as { recipient?: unknown } | null)?.recipient;
  return typeof r === 'string' ? r : null;
}

export class OutboundSender {
  private readonly timing: SenderTiming;
  private readonly now: () => Date;
  private transport: RelayTransport | null = null;
  private timer: NodeJS.Timeout | null = null;
  private draining: Promise<void> | null = null;
  private again = false;
  private started = false;
  private stopped = false;
  /**
   * Retry times set by failed attempts that no drain has reached yet, so the timer wakes for
   * each. Only the earliest is not enough: a drain that runs for it can start a moment before a
   * later row is due, and that row must not then wait for the poll interval.
   */
  private retryTimes: number[] = [];

  constructor(private readonly deps: OutboundSenderDeps) {
    this.timing = { ...DEFAULT_TIMING, ...deps.timing };
    // A retry is never immediate, so a failing row cannot spin the queue.
    this.timing.retryBaseMs = Math.max(100, this.timing.retryBaseMs);
    this.timing.batchSize = Math.max(1, this.timing.batchSize);
    this.now = deps.now ?? (() => new Date());
  }

  /** True when a relay is configured and messages are being sent. */
  get sending(): boolean {
    return this.transport !== null && !this.stopped;
  }

  start(): void {
    if (this.started) return;
    this.started = true;
    const { config, logger } = this.deps;
    if (config.host === '') {
      this.deps.store.outboundStats().then(
        (stats) =>
          logger.warn(
            { queued: stats.depth, oldest: stats.oldest?.toISOString() ?? null },
            'No SMTP relay configured (relay.host): forwards and vacation replies stay in the outbound queue',
          ),
        (err: unknown) => logger.warn({ err }, 'No SMTP relay configured (relay.host): forwards and vacation replies stay in the outbound queue'),
      );
      return;
    }
    this.transport = createRelayTransport(config, this.deps.hostname, this.timing.smtpTimeoutMs);
    logger.info({ relay: `${config.host}:${config.port}`, startTls: config.startTls, auth: Boolean(config.user) }, 'outbound: sending through the SMTP relay');
    this.schedule(0);
  }

  /** Drain soon (call after an enqueue). Does nothing without a relay or after stop(). */
  kick(): void {
    if (this.sending) this.schedule(0);
  }

  /** Stops the timer, waits for a send in progress, closes the relay connection. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.draining) await this.draining;
    this.transport?.close();
    this.transport = null;
  }

  /** Sends everything due now; resolves when this drain is over (used by tests and the CLI). */
  async flush(): Promise<void> {
    if (!this.sending) return;
    // A drain already running may have read the queue before the caller's enqueue: wait, then drain again.
    for (let i = 0; i < 100 && this.draining; i++) await this.draining;
    if (this.draining || !this.sending) return;
    this.draining = this.drain().finally(() => {
      this.draining = null;
      this.afterDrain();
    });
    return this.draining;
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      if (this.draining) {
        this.again = true;
        return;
      }
      void this.flush();
    }, Math.max(0, delayMs));
    // The listeners keep a server alive; the queue timer alone should not.
    this.timer.unref();
  }

  private afterDrain(): void {
    if (this.stopped) return;
    if (this.again) {
      this.again = false;
      this.schedule(0);
      return;
    }
    let delay = this.timing.pollMs;
    let next = Infinity;
    for (const t of this.retryTimes) next = Math.min(next, t);
    if (next !== Infinity) delay = Math.min(delay, Math.max(10, next - this.now().getTime()));
    this.schedule(delay);
  }

  private async drain(): Promise<void> {
    // Rows due by now are read by this drain; later ones keep their wake-up.
    const startedAt = this.now().getTime();
    this.retryTimes = this.retryTimes.filter((t) => t > startedAt);
    for (let batch = 0; batch < MAX_BATCHES_PER_DRAIN && !this.stopped; batch++) {
      let due: OutboundMessage[];
      try {
        due = await this.deps.store.dueOutbound(this.now(), this.timing.batchSize);
      } catch (err) {
        this.deps.logger.error({ err }, 'outbound: cannot read the queue');
        return;
      }
      for (const message of due) {
        if (this.stopped) return;
        // A queue that cannot be updated would hand out the same rows again: wait for the timer.
        if (!(await this.sendOne(message))) return;
      }
      if (due.length < this.timing.batchSize) return;
    }
    // More is due than one drain takes: go on soon, after other work had a turn.
    this.again = true;
  }

  private maxAgeMs(): number {
    return this.deps.config.maxQueueAgeSeconds * 1000;
  }

  /** Sends one message; false when its queue row could not be updated. */
  private async sendOne(message: OutboundMessage): Promise<boolean> {
    const { logger, store } = this.deps;
    const transport = this.transport;
    if (!transport) return true;
    const log = { id: message.id, kind: message.kind, from: message.from, to: message.to, attempts: message.attempts };
    const age = this.now().getTime() - message.createdAt.getTime();
    if (age > this.maxAgeMs()) {
      this.deps.metrics?.outboundSent.inc({ outcome: 'expired' });
      logger.error({ ...log, lastError: message.lastError }, 'outbound: gave up, the message was queued too long; removed from the queue');
      return this.settle(() => store.failOutbound(message.id, 'queue age limit reached', null));
    }
    let result: SendResult;
    try {
      result = await transport.sendMail({ envelope: { from: message.from, to: message.to }, raw: message.raw });
    } catch (err) {
      return this.failed(message, err);
    }
    const done = await this.settle(() => store.completeOutbound(message.id));
    if (result.rejected.length === 0) {
      this.deps.metrics?.outboundSent.inc({ outcome: 'sent' });
      logger.info(log, 'outbound: sent');
      return done;
    }
    // Partly accepted: the accepted recipients are done; temporary refusals go back in the queue.
    const retry: string[] = [];
    for (const err of result.rejectedErrors ?? []) {
      const rcpt = recipientOf(err);
      const { reason } = classifySmtpError(err);
      if (rcpt !== null && isTemporaryRejection(err)) retry.push(rcpt);
      else logger.error({ ...log, recipient: rcpt, error: reason }, 'outbound: the relay refused a recipient permanently');
    }
    this.deps.metrics?.outboundSent.inc({ outcome: 'partial' });
      logger.info({ ...log, accepted: result.accepted, rejected: result.rejected }, 'outbound: sent to some recipients');
    if (retry.length > 0) {
      return (await this.settle(() => store.enqueueOutbound({ kind: message.kind, from: message.from, to: retry, raw: message.raw }))) && done;
    }
    return done;
  }

  private async failed(message: OutboundMessage, err: unknown): Promise<boolean> {
    const { logger, store } = this.deps;
    const log = { id: message.id, kind: message.kind, from: message.from, to: message.to, attempts: message.attempts + 1 };
    const { permanent, reason } = classifySmtpError(err);
    if (permanent) {
      this.deps.metrics?.outboundSent.inc({ outcome: 'permanent' });
      logger.error({ ...log, error: reason }, 'outbound: the relay refused the message permanently; removed from the queue');
      return this.settle(() => store.failOutbound(message.id, reason, null));
    }
    const retryAt = this.now().getTime() + retryDelayMs(message.attempts, this.timing.retryBaseMs, this.timing.retryMaxMs);
    if (retryAt - message.createdAt.getTime() > this.maxAgeMs()) {
      this.deps.metrics?.outboundSent.inc({ outcome: 'expired' });
      logger.error({ ...log, error: reason }, 'outbound: gave up after temporary failures (queue age limit); removed from the queue');
      return this.settle(() => store.failOutbound(message.id, reason, null));
    }
    this.deps.metrics?.outboundSent.inc({ outcome: 'retry' });
      logger.warn({ ...log, error: reason, retryAt: new Date(retryAt).toISOString() }, 'outbound: temporary failure; will retry');
    this.retryTimes.push(retryAt);
    return this.settle(() => store.failOutbound(message.id, reason, new Date(retryAt)));
  }

  /** A queue update after an attempt; a failure is logged (the row stays and is tried again). */
  private async settle(update: () => Promise<unknown>): Promise<boolean> {
    try {
      await update();
      return true;
    } catch (err) {
      this.deps.logger.error({ err }, 'outbound: cannot update the queue');
      return false;
    }
  }
}
