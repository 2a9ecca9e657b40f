/** Workload 5: POP3 RETR of every message of a 1,000-message maildrop in one session, and logins per second. */
import { Pop3Client } from '../clients/pop3-client.js';
import { userNames } from '../plan.js';
import { nowMs } from '../lib/stats.js';
import { figure, type Figure, type WorkloadContext } from './types.js';

export async function runPop3(ctx: WorkloadContext): Promise<Figure[]> {
  const { host, pop3 } = ctx.target.endpoints;
  const users = userNames(ctx.plan);
  const expected = ctx.corpora.pop3.manifest;

  const session = await Pop3Client.connect(host, pop3);
  await session.login(users.pop3, ctx.plan.password);
  const sizes = await session.list();
  if (sizes.size !== expected.messages) ctx.problem(`${ctx.target.name}: POP3 LIST shows ${sizes.size} messages, the maildrop holds ${expected.messages}`);
  let bytes = 0;
  let wrongSizes = 0;
  const start = nowMs();
  for (const [n, size] of sizes) {
    const message = await session.retr(n);
    bytes += message.length;
    if (message.length !== size) wrongSizes++;
  }
  const seconds = (nowMs() - start) / 1000;
  await session.quit();
  if (wrongSizes) ctx.problem(`${ctx.target.name}: POP3 RETR: ${wrongSizes} messages differ in size from LIST`);
  const label = `POP3 RETR ${sizes.size.toLocaleString('en-US')} messages, 1 session`;
  ctx.log(`${ctx.target.name}: ${label}: ${(bytes / 1e6).toFixed(0)} MB in ${seconds.toFixed(1)} s`);

  // Bounded by count and by time: a server with a deliberately slow password hash stops early.
  const loginStart = nowMs();
  const loginDeadline = loginStart + (ctx.plan.quick ? 15_000 : 30_000);
  let logins = 0;
  let started = 0;
  await Promise.all(
    users.logins.map(async (user) => {
      while (started < ctx.plan.pop3Logins && nowMs() < loginDeadline) {
        started++;
        const client = await Pop3Client.connect(host, pop3);
        await client.login(user, ctx.plan.password);
        await client.quit();
        logins++;
      }
    }),
  );
  const loginSeconds = (nowMs() - loginStart) / 1000;
  return [
    figure(label, 'transfer rate', 'MB/s', bytes / 1e6 / seconds, 'higher'),
    figure(label, 'messages', 'messages/s', sizes.size / seconds, 'higher'),
    figure(`POP3 logins (USER/PASS/QUIT), ${users.logins.length} conns`, 'logins', 'logins/s', logins / loginSeconds, 'higher'),
  ];
}
