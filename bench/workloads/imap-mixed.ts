/**
 * Workload 3: C mail clients, each on its own account, doing what a mail client does for T
 * seconds; operations per second, latency percentiles, and every consistency violation found.
 */
import { ImapClient } from '../clients/imap-client.js';
import { userNames } from '../plan.js';
import { nowMs, percentile } from '../lib/stats.js';
import { MailClient } from './mail-client.js';
import { figure, type Figure, type WorkloadContext } from './types.js';

export async function runImapMixed(ctx: WorkloadContext): Promise<Figure[]> {
  const { host, imap } = ctx.target.endpoints;
  const users = userNames(ctx.plan).mixed;
  const clients: MailClient[] = [];
  for (const [i, user] of users.entries()) {
    const connection = await ImapClient.connect({ host, port: imap, timeoutMs: 60_000 });
    await connection.login(user, ctx.plan.password);
    const client = new MailClient(connection, `${ctx.target.name} ${user}`, ctx.plan.seed + i, ctx.corpora.appends);
    await client.open();
    clients.push(client);
  }
  const start = nowMs();
  const deadline = start + ctx.plan.mixedSeconds * 1000;
  const failures: string[] = [];
  await Promise.all(
    clients.map(async (client) => {
      try {
        while (nowMs() < deadline) await client.step();
      } catch (error) {
        failures.push(`${client.model.label}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }),
  );
  const seconds = (nowMs() - start) / 1000;
  await Promise.all(clients.map((c) => c.imap.logout()));

  const all: number[] = [];
  let operations = 0;
  let violations = 0;
  for (const client of clients) {
    operations += client.operations;
    for (const list of client.latencies.values()) all.push(...list);
    violations += client.model.violations.length;
    for (const v of client.model.violations.slice(0, 5)) ctx.problem(`${ctx.target.name}: mixed IMAP: ${v}`);
  }
  // Per-operation medians go to the log: they show which operation makes the difference.
  const perOp = new Map<string, number[]>();
  for (const client of clients) for (const [op, list] of client.latencies) perOp.set(op, [...(perOp.get(op) ?? []), ...list]);
  ctx.log(`${ctx.target.name}: mixed IMAP median ms by operation: ${[...perOp].map(([op, list]) => `${op} ${percentile(list, 0.5).toFixed(1)} (n=${list.length})`).join(', ')}`);
  for (const f of failures) ctx.problem(`${ctx.target.name}: mixed IMAP client stopped: ${f}`);
  const name = `IMAP mixed, ${clients.length} clients x ${ctx.plan.mixedSeconds} s`;
  ctx.log(`${ctx.target.name}: ${name}: ${operations} operations, ${violations} consistency violations`);
  return [
    figure(name, 'operations', 'ops/s', operations / seconds, 'higher'),
    figure(name, 'latency median', 'ms', percentile(all, 0.5), 'lower'),
    figure(name, 'latency p90', 'ms', percentile(all, 0.9), 'lower'),
    figure(name, 'latency p99', 'ms', percentile(all, 0.99), 'lower'),
    figure(name, 'consistency violations + failed clients', 'count', violations + failures.length, 'lower'),
  ];
}
