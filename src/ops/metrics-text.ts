/**
 * The /metrics page: the server's counters and histograms (logins, deliveries, command
 * latency, outbound sends) followed by gauges read at scrape time (open connections, the
 * outbound queue, store totals, uptime).
 */
import { MetricsRegistry } from '../metrics/registry.js';
import type { ServerContext } from '../server/context.js';
import type { StoreStatsReader } from './store-stats.js';

export const METRICS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

const PROTOCOLS = ['imap', 'pop3', 'lmtp'] as const;

export interface MetricsSources {
  ctx: Pick<ServerContext, 'metrics' | 'limits' | 'store' | 'logger'>;
  stats: Pick<StoreStatsReader, 'read'>;
  startedAt: Date;
  now?: () => number;
}

export async function renderMetrics(sources: MetricsSources): Promise<string> {
  const { ctx, stats } = sources;
  const now = (sources.now ?? Date.now)();
  let queue: { depth: number; oldest: Date | null } | null = null;
  try {
    queue = await ctx.store.outboundStats();
  } catch (err) {
    ctx.logger.warn({ err }, 'metrics: outbound queue could not be read');
  }
  let totals: ReturnType<StoreStatsReader['read']> | null = null;
  try {
    totals = stats.read();
  } catch (err) {
    ctx.logger.warn({ err }, 'metrics: store totals could not be read');
  }

  const gauges = new MetricsRegistry();
  gauges.gauge('msgstore_connections', 'Open client connections by protocol', () => PROTOCOLS.map((protocol) => ({ labels: { protocol }, value: ctx.limits.count(protocol) })));
  if (queue) {
    const { depth, oldest } = queue;
    gauges.gauge('msgstore_outbound_queue_depth', 'Messages waiting in the outbound queue', () => [{ value: depth }]);
    gauges.gauge('msgstore_outbound_queue_oldest_seconds', 'Age of the oldest queued outbound message (0 when empty)', () => [{ value: oldest ? Math.max(0, (now - oldest.getTime()) / 1000) : 0 }]);
  }
  if (totals) {
    const t = totals;
    gauges.gauge('msgstore_store_bytes', 'Total size of all mailboxes in bytes', () => [{ value: t.bytes }]);
    gauges.gauge('msgstore_store_messages', 'Messages in all mailboxes', () => [{ value: t.messages }]);
    gauges.gauge('msgstore_store_mailboxes', 'Mailboxes', () => [{ value: t.mailboxes }]);
  }
  gauges.gauge('msgstore_store_up', '1 when the store answered this scrape', () => [{ value: queue && totals ? 1 : 0 }]);
  gauges.gauge('msgstore_uptime_seconds', 'Seconds since the HTTP service started', () => [{ value: Math.max(0, (now - sources.startedAt.getTime()) / 1000) }]);
  return ctx.metrics.registry.render() + gauges.render();
}
