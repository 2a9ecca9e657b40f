/** What every workload reports, and what it is given. */
import type { BuiltMaildir } from '../corpus/maildir.js';
import type { Plan } from '../plan.js';
import type { Target } from '../targets/target.js';

export interface Figure {
  workload: string;
  figure: string;
  unit: string;
  value: number;
  /** Which direction is better for this figure. */
  better: 'higher' | 'lower';
}

export interface WorkloadContext {
  target: Target;
  plan: Plan;
  corpora: Corpora;
  log(message: string): void;
  /** A check that failed (a wrong count, an inconsistent reply): printed with the table. */
  problem(message: string): void;
}

/** The maildirs built for this run, and the in-memory messages that are delivered or appended. */
export interface Corpora {
  bigbox: BuiltMaildir;
  mixed: BuiltMaildir;
  pop3: BuiltMaildir;
  logins: BuiltMaildir;
  /** Messages for LMTP delivery, in the realistic size mix. */
  deliveries: Buffer[];
  /** Small messages for APPEND. */
  appends: Buffer[];
}

export function figure(workload: string, name: string, unit: string, value: number, better: 'higher' | 'lower'): Figure {
  return { workload, figure: name, unit, value, better };
}
