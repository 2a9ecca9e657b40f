/** The accounts and mailbox loads of a run: the same for every server, so both hold the same mail. */
import { userNames, type Plan } from './plan.js';
import type { BenchUser, MailLoad, TargetSetup } from './targets/target.js';
import type { Corpora } from './workloads/types.js';

export function setupFor(plan: Plan, corpora: Corpora, workDir: string, log: (message: string) => void): TargetSetup {
  const names = userNames(plan);
  const addresses = [names.lmtp, names.bigbox, names.idle, names.pop3, ...names.logins, ...names.mixed];
  const users: BenchUser[] = addresses.map((address) => ({ address, password: plan.password }));
  const loads: MailLoad[] = [];
  // Every mailbox is loaded even when --only picks some workloads, so that one cached loaded
  // data directory serves every run of the same size.
  loads.push({ user: names.bigbox, maildir: corpora.bigbox.path });
  for (const user of names.mixed) loads.push({ user, maildir: corpora.mixed.path });
  loads.push({ user: names.pop3, maildir: corpora.pop3.path });
  for (const user of names.logins) loads.push({ user, maildir: corpora.logins.path });
  return { users, loads, workDir, log };
}
