/** The sizes of one benchmark run: the full run of the issue, or --quick (under two minutes). */

export interface Plan {
  quick: boolean;
  seed: number;
  password: string;
  domain: string;
  lmtpMessages: number;
  lmtpConnections: number[];
  bigboxMessages: number;
  storeFlagsCount: number;
  appendCount: number;
  fetchEnvelopeCount: number;
  mixedClients: number;
  mixedSeconds: number;
  mixedMailboxSize: number;
  idleCounts: number[];
  pop3Messages: number;
  pop3Logins: number;
  pop3LoginConcurrency: number;
}

export function makePlan(quick: boolean): Plan {
  const common = { seed: 20_240_101, password: 'bench-Secret-7', domain: 'bench.test', lmtpConnections: [1, 4], pop3LoginConcurrency: 4 };
  if (quick) {
    return {
      ...common,
      quick,
      lmtpMessages: 60,
      bigboxMessages: 2_000,
      storeFlagsCount: 1_000,
      appendCount: 50,
      fetchEnvelopeCount: 500,
      mixedClients: 3,
      mixedSeconds: 6,
      mixedMailboxSize: 40,
      idleCounts: [40],
      pop3Messages: 100,
      pop3Logins: 40,
    };
  }
  return {
    ...common,
    quick,
    lmtpMessages: 600,
    bigboxMessages: 100_000,
    storeFlagsCount: 10_000,
    appendCount: 500,
    fetchEnvelopeCount: 500,
    mixedClients: 8,
    mixedSeconds: 60,
    mixedMailboxSize: 200,
    idleCounts: [1_000, 10_000],
    pop3Messages: 1_000,
    pop3Logins: 400,
  };
}

/** The benchmark's users, one (or one per mixed client) for each workload so none disturbs another. */
export function userNames(plan: Plan): { lmtp: string; bigbox: string; idle: string; pop3: string; logins: string[]; mixed: string[] } {
  const at = (name: string) => `${name}@${plan.domain}`;
  return {
    lmtp: at('deliver'),
    bigbox: at('bigbox'),
    idle: at('idle'),
    pop3: at('pop'),
    // One account per concurrent login: a POP3 server may lock a maildrop for one session at a time.
    logins: Array.from({ length: plan.pop3LoginConcurrency }, (_, i) => at(`login${i + 1}`)),
    mixed: Array.from({ length: plan.mixedClients }, (_, i) => at(`mixed${i + 1}`)),
  };
}
