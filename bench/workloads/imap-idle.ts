/**
 * Workload 4: many IMAP connections of one account idling in INBOX. Figures: resident memory of
 * the whole server (every process) per connection, and how long one LMTP delivery takes to reach
 * every idling client as an untagged EXISTS. Connections come from several loopback source
 * addresses so that source ports never run out; the connection phase has a time budget, and the
 * count actually held is reported with the figures.
 */
import { ImapClient } from '../clients/imap-client.js';
import { LmtpClient } from '../clients/lmtp-client.js';
import { userNames } from '../plan.js';
import { treeMemory, type TreeMemory } from '../lib/proc-memory.js';
import { nowMs, percentile, sleep } from '../lib/stats.js';
import { figure, type Figure, type WorkloadContext } from './types.js';

const SOURCE_ADDRESSES = Array.from({ length: 8 }, (_, i) => `127.0.0.${i + 1}`);
const CONNECT_CONCURRENCY = 32;

interface IdleConnection {
  client: ImapClient;
  /** When this connection saw an EXISTS above the count it selected with. */
  notifiedAt: number | null;
}

export async function runImapIdle(ctx: WorkloadContext): Promise<Figure[]> {
  const out: Figure[] = [];
  for (const count of ctx.plan.idleCounts) out.push(...(await idleRound(ctx, count)));
  return out;
}

/** The median of three readings half a second apart: one reading can land mid garbage collection. */
async function settledMemory(pid: number): Promise<TreeMemory> {
  const readings: TreeMemory[] = [];
  for (let i = 0; i < 3; i++) {
    if (i > 0) await sleep(500);
    readings.push(treeMemory(pid));
  }
  const median = (values: number[]) => values.sort((a, b) => a - b)[1]!;
  return { processes: readings[2]!.processes, rssKb: median(readings.map((r) => r.rssKb)), pssKb: median(readings.map((r) => r.pssKb)) };
}

async function idleRound(ctx: WorkloadContext, wanted: number): Promise<Figure[]> {
  const { host, imap, lmtp } = ctx.target.endpoints;
  const user = userNames(ctx.plan).idle;
  const budgetMs = (ctx.plan.quick ? 40 : 150) * 1000;
  const connections: IdleConnection[] = [];
  const errors: string[] = [];
  const started = nowMs();
  let next = 0;
  const openOne = async (index: number) => {
    const client = await ImapClient.connect({ host, port: imap, localAddress: SOURCE_ADDRESSES[index % SOURCE_ADDRESSES.length], timeoutMs: 120_000 });
    try {
      await client.login(user, ctx.plan.password);
      const select = await client.ok('SELECT INBOX');
      const exists = select.untagged.find((u) => u.kind === 'EXISTS')?.number ?? 0;
      const connection: IdleConnection = { client, notifiedAt: null };
      client.onUntagged = (response) => {
        if (response.kind === 'EXISTS' && (response.number ?? 0) > exists && connection.notifiedAt === null) connection.notifiedAt = nowMs();
      };
      await client.idle();
      connections.push(connection);
    } catch (error) {
      client.destroy();
      throw error;
    }
  };
  const openUpTo = (target: number) =>
    Promise.all(
      Array.from({ length: CONNECT_CONCURRENCY }, async () => {
        while (next < target && nowMs() - started < budgetMs && errors.length < 20) {
          const index = next++;
          try {
            await openOne(index);
          } catch (error) {
            errors.push(error instanceof Error ? error.message : String(error));
          }
        }
      }),
    );
  // Memory is read with a tenth of the connections open and again with all of them: the slope
  // between the two is the cost of a connection, and garbage a server still holds from earlier
  // work (freed at some unknown moment) weighs less than against an empty baseline.
  await openUpTo(Math.max(1, Math.floor(wanted / 10)));
  const firstHeld = connections.length;
  await sleep(2000);
  const atFirst = await settledMemory(ctx.target.rootPid);
  await openUpTo(wanted);
  const connectSeconds = (nowMs() - started) / 1000;
  const held = connections.length;
  const label = `IMAP IDLE, ${wanted.toLocaleString('en-US')} conns`;
  if (held < wanted) {
    ctx.problem(
      `${ctx.target.name}: ${label}: ${held} connections held after ${connectSeconds.toFixed(0)} s` +
        (errors.length ? ` (${errors.length} errors: ${[...new Set(errors)].slice(0, 3).join('; ')})` : ' (connection phase time budget reached)'),
    );
  }
  ctx.log(`${ctx.target.name}: ${label}: ${held} idling after ${connectSeconds.toFixed(1)} s`);
  await sleep(2000);
  const after = await settledMemory(ctx.target.rootPid);

  // One delivery to the idling mailbox; wait until every client has seen it (bounded).
  const lmtpClient = await LmtpClient.connect(host, lmtp);
  const message = ctx.corpora.appends[0]!;
  const t0 = nowMs();
  await lmtpClient.deliver('sender@example.net', [user], message);
  const deliveredMs = nowMs() - t0;
  await lmtpClient.quit();
  const waitUntil = nowMs() + 90_000;
  while (connections.some((c) => c.notifiedAt === null) && nowMs() < waitUntil) await sleep(20);
  const reached = connections.filter((c) => c.notifiedAt !== null).map((c) => c.notifiedAt! - t0);
  if (reached.length < held) ctx.problem(`${ctx.target.name}: ${label}: only ${reached.length} of ${held} idling clients saw the new message within 90 s`);

  for (const c of connections) c.client.destroy();
  // Let the server notice the closed connections before the next round measures its baseline.
  await sleep(held > 2000 ? 10_000 : 2000);

  const added = held - firstHeld;
  const perConnection = (kb: number) => (added > 0 ? kb / added : Number.NaN);
  return [
    figure(label, 'connections held', 'count', held, 'higher'),
    figure(label, 'memory per connection (Pss, all processes)', 'KB', perConnection(after.pssKb - atFirst.pssKb), 'lower'),
    figure(label, 'memory per connection (RSS sum, all processes)', 'KB', perConnection(after.rssKb - atFirst.rssKb), 'lower'),
    figure(label, 'server memory with all held (Pss, all processes)', 'MB', after.pssKb / 1024, 'lower'),
    figure(label, 'LMTP delivery to idle mailbox', 'ms', deliveredMs, 'lower'),
    figure(label, 'delivery to reach all idlers', 'ms', reached.length ? Math.max(...reached) : Number.NaN, 'lower'),
    figure(label, 'delivery to reach median idler', 'ms', percentile(reached, 0.5), 'lower'),
  ];
}
