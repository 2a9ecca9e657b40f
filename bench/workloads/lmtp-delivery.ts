/** Workload 1: LMTP delivery of N messages of the realistic size mix over 1 and over 4 connections. */
import { LmtpClient } from '../clients/lmtp-client.js';
import { userNames } from '../plan.js';
import { nowMs, percentile } from '../lib/stats.js';
import { figure, type Figure, type WorkloadContext } from './types.js';

export async function runLmtpDelivery(ctx: WorkloadContext): Promise<Figure[]> {
  const { host, lmtp } = ctx.target.endpoints;
  const rcpt = userNames(ctx.plan).lmtp;
  const messages = ctx.corpora.deliveries.slice(0, ctx.plan.lmtpMessages);
  const out: Figure[] = [];
  for (const connections of ctx.plan.lmtpConnections) {
    const clients = await Promise.all(Array.from({ length: connections }, () => LmtpClient.connect(host, lmtp)));
    const latencies: number[] = [];
    let next = 0;
    const start = nowMs();
    await Promise.all(
      clients.map(async (client) => {
        while (next < messages.length) {
          const message = messages[next++]!;
          const t0 = nowMs();
          await client.deliver('sender@example.net', [rcpt], message);
          latencies.push(nowMs() - t0);
        }
      }),
    );
    const seconds = (nowMs() - start) / 1000;
    await Promise.all(clients.map((c) => c.quit()));
    const name = `LMTP delivery, ${connections} conn`;
    const mb = messages.reduce((sum, m) => sum + m.length, 0) / 1e6;
    ctx.log(`${ctx.target.name}: ${name}: ${messages.length} messages (${mb.toFixed(0)} MB) in ${seconds.toFixed(1)} s`);
    out.push(
      figure(name, 'throughput', 'messages/s', messages.length / seconds, 'higher'),
      figure(name, 'latency median', 'ms', percentile(latencies, 0.5), 'lower'),
      figure(name, 'latency p99', 'ms', percentile(latencies, 0.99), 'lower'),
    );
  }
  return out;
}
