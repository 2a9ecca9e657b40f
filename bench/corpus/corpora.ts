/** Builds (or finds in the cache) every maildir of a run and the in-memory messages to deliver and append. */
import { mkdirSync } from 'node:fs';
import { userNames, type Plan } from '../plan.js';
import type { Corpora } from '../workloads/types.js';
import { buildMaildir } from './maildir.js';
import { MessageGenerator } from './message-generator.js';

export function buildCorpora(plan: Plan, cacheDir: string, log: (message: string) => void): Corpora {
  mkdirSync(cacheDir, { recursive: true });
  const users = userNames(plan);
  log(`building or reusing the maildirs in ${cacheDir}`);
  const bigbox = buildMaildir(cacheDir, { name: 'bigbox', seed: plan.seed, count: plan.bigboxMessages, mix: 'small', to: users.bigbox });
  const mixed = buildMaildir(cacheDir, { name: 'mixed', seed: plan.seed + 1, count: plan.mixedMailboxSize, mix: 'realistic', to: 'mixed@bench.test' });
  const pop3 = buildMaildir(cacheDir, { name: 'pop3', seed: plan.seed + 2, count: plan.pop3Messages, mix: 'realistic', to: users.pop3 });
  const logins = buildMaildir(cacheDir, { name: 'logins', seed: plan.seed + 3, count: 20, mix: 'small', to: users.logins[0]! });

  const deliveryGenerator = new MessageGenerator(plan.seed + 4);
  const deliveries = Array.from({ length: plan.lmtpMessages }, (_, i) => deliveryGenerator.message(i + 1, users.lmtp, deliveryGenerator.drawSize('realistic')).data);
  const appendGenerator = new MessageGenerator(plan.seed + 5);
  const appends = Array.from({ length: 64 }, (_, i) => appendGenerator.message(i + 1, users.bigbox, appendGenerator.drawSize('small')).data);
  return { bigbox, mixed, pop3, logins, deliveries, appends };
}
