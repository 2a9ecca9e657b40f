/**
 * `npm run bench [-- --quick] [-- --compare dovecot] [-- --json FILE]`: runs every workload against
 * a fresh msgstore (and, with --compare dovecot, against a private Dovecot on the same machine, one
 * server after the other) and prints one table of figures with the ratio msgstore/Dovecot.
 */
import { Command } from 'commander';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ImapClient } from './clients/imap-client.js';
import { Pop3Client } from './clients/pop3-client.js';
import { runComponents } from './components.js';
import { buildCorpora } from './corpus/corpora.js';
import { describeMachine } from './machine.js';
import { makePlan, userNames, type Plan } from './plan.js';
import { setupFor } from './setup.js';
import { compareFigures, furthestBehind, renderTable } from './report/table.js';
import { nowMs } from './lib/stats.js';
import { ensureDovecotInstalled, startDovecot } from './targets/dovecot-target.js';
import { startMsgstore } from './targets/msgstore-target.js';
import type { Target, TargetSetup } from './targets/target.js';
import { runImapBigbox } from './workloads/imap-bigbox.js';
import { runImapIdle } from './workloads/imap-idle.js';
import { runImapMixed } from './workloads/imap-mixed.js';
import { runLmtpDelivery } from './workloads/lmtp-delivery.js';
import { runPop3 } from './workloads/pop3.js';
import type { Corpora, Figure, WorkloadContext } from './workloads/types.js';

const WORKLOADS = {
  lmtp: runLmtpDelivery,
  bigbox: runImapBigbox,
  mixed: runImapMixed,
  idle: runImapIdle,
  pop3: runPop3,
} as const;
type WorkloadName = keyof typeof WORKLOADS;

interface RunOptions {
  quick?: boolean;
  compare?: string;
  json?: string;
  only?: string;
  fromSource?: boolean;
  cpuProf?: string;
  cache?: string;
  components?: boolean;
  dataCache?: boolean;
  idle?: string;
}

function log(message: string): void {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
}

function selectedWorkloads(only: string | undefined): WorkloadName[] {
  const all = Object.keys(WORKLOADS) as WorkloadName[];
  if (!only) return all;
  const chosen = only.split(',').map((s) => s.trim());
  for (const name of chosen) if (!all.includes(name as WorkloadName)) throw new Error(`--only takes ${all.join(',')}, not "${name}"`);
  return chosen as WorkloadName[];
}


/**
 * Opens every loaded mailbox once before any timing, so that a server that indexes on first
 * access (Dovecot) has done so, as it would have long before in real use.
 */
async function warmUp(target: Target, plan: Plan, setup: TargetSetup): Promise<void> {
  const start = nowMs();
  const names = userNames(plan);
  for (const load of setup.loads) {
    if (load.user === names.pop3 || names.logins.includes(load.user)) {
      const pop = await Pop3Client.connect(target.endpoints.host, target.endpoints.pop3, 600_000);
      await pop.login(load.user, plan.password);
      await pop.list();
      await pop.quit();
    }
    const imap = await ImapClient.connect({ host: target.endpoints.host, port: target.endpoints.imap, timeoutMs: 600_000 });
    await imap.login(load.user, plan.password);
    await imap.ok('SELECT INBOX');
    await imap.logout();
  }
  log(`${target.name}: warm-up (first access of every loaded mailbox) took ${((nowMs() - start) / 1000).toFixed(1)} s`);
}

async function runAgainst(
  start: () => Promise<Target>,
  plan: Plan,
  corpora: Corpora,
  setup: TargetSetup,
  workloads: WorkloadName[],
  problems: string[],
): Promise<{ figures: Figure[]; version: string; loadSeconds: number }> {
  const target = await start();
  log(`${target.name} ${target.version} is up (loading took ${target.loadSeconds.toFixed(1)} s)`);
  const figures: Figure[] = [];
  try {
    await warmUp(target, plan, setup);
    for (const name of workloads) {
      const ctx: WorkloadContext = { target, plan, corpora, log, problem: (m) => problems.push(m) };
      log(`${target.name}: workload ${name}`);
      const started = nowMs();
      try {
        figures.push(...(await WORKLOADS[name](ctx)));
      } catch (error) {
        problems.push(`${target.name}: workload ${name} failed: ${error instanceof Error ? error.message : String(error)}`);
      }
      log(`${target.name}: workload ${name} took ${((nowMs() - started) / 1000).toFixed(1)} s`);
    }
  } finally {
    await target.stop();
  }
  return { figures, version: target.version, loadSeconds: target.loadSeconds };
}

async function main(argv: string[]): Promise<number> {
  const program = new Command()
    .name('bench')
    .option('--quick', 'a small version of every workload (under two minutes)')
    .option('--compare <server>', 'also run every workload against this server (dovecot)')
    .option('--json <file>', 'write the results as JSON')
    .option('--only <list>', `only these workloads: ${Object.keys(WORKLOADS).join(',')}`)
    .option('--from-source', 'run msgstore from src/ through tsx instead of the built dist/')
    .option('--cpu-prof <dir>', 'run the msgstore server with --cpu-prof, writing its profile to this directory')
    .option('--cache <dir>', 'where generated maildirs are kept between runs', join(tmpdir(), 'msgstore-bench-cache'))
    .option('--no-components', 'skip the msgstore-only component benchmarks')
    .option('--idle <counts>', 'idle connection counts instead of the plan\'s (e.g. 1000,10000)')
    .option('--no-data-cache', 'import the mail into msgstore even when a loaded data directory of the same code is cached')
    .exitOverride();
  program.parse(argv, { from: 'user' });
  const options = program.opts<RunOptions>();
  if (options.compare !== undefined && options.compare !== 'dovecot') throw new Error(`--compare knows only "dovecot", not "${options.compare}"`);
  const compare = options.compare === 'dovecot';
  const plan = makePlan(options.quick === true);
  if (options.idle) {
    plan.idleCounts = options.idle.split(',').map(Number);
    if (plan.idleCounts.some((n) => !Number.isInteger(n) || n < 1)) throw new Error(`--idle takes counts such as 1000,10000, not "${options.idle}"`);
  }
  const workloads = selectedWorkloads(options.only);
  const machine = describeMachine();
  const runStart = nowMs();
  log(`${plan.quick ? 'quick' : 'full'} run on ${machine.cpuModel}, ${machine.cores} cores, load average ${machine.loadAverageAtStart.join(' ')}`);

  let dovecotVersion: string | null = null;
  if (compare) await ensureDovecotInstalled(log);
  const corporaStart = nowMs();
  const corpora = buildCorpora(plan, options.cache!, log);
  log(`maildirs ready in ${((nowMs() - corporaStart) / 1000).toFixed(1)} s`);
  const workDir = mkdtempSync(join(tmpdir(), 'msgstore-bench-'));
  // Dovecot's unprivileged processes must be able to pass through it.
  chmodSync(workDir, 0o755);
  const setup = setupFor(plan, corpora, workDir, log);
  const problems: string[] = [];
  const maxConnections = Math.max(...plan.idleCounts);
  if (options.cpuProf) mkdirSync(resolve(options.cpuProf), { recursive: true });
  let msgstoreFigures: Figure[] = [];
  let dovecotFigures: Figure[] | null = null;
  let msgstoreVersion = '';
  const loadSeconds: Record<string, number> = {};
  const failed = (name: string) => (error: unknown) => {
    problems.push(`${name}: the run stopped: ${error instanceof Error ? error.message : String(error)}`);
    return null;
  };
  try {
    const m = await runAgainst(
      () => startMsgstore(setup, {
          fromSource: options.fromSource === true,
          cpuProfileDir: options.cpuProf ? resolve(options.cpuProf) : undefined,
          dataCacheDir: options.dataCache === false ? undefined : options.cache,
        }, maxConnections),
      plan,
      corpora,
      setup,
      workloads,
      problems,
    ).catch(failed('msgstore'));
    if (m) {
      msgstoreFigures = m.figures;
      msgstoreVersion = m.version;
      loadSeconds.msgstore = m.loadSeconds;
    }
    if (compare) {
      const d = await runAgainst(() => startDovecot(setup, maxConnections), plan, corpora, setup, workloads, problems).catch(failed('dovecot'));
      dovecotFigures = d?.figures ?? [];
      dovecotVersion = d?.version ?? null;
      if (d) loadSeconds.dovecot = d.loadSeconds;
    }
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
  const rows = compareFigures(msgstoreFigures, dovecotFigures);
  const totalSeconds = (nowMs() - runStart) / 1000;
  const out = process.stdout;
  out.write(`\nmsgstore ${msgstoreVersion}${dovecotVersion ? ` vs Dovecot ${dovecotVersion}` : ''}, ${plan.quick ? 'quick' : 'full'} run, ${totalSeconds.toFixed(0)} s\n`);
  out.write(`machine: ${machine.cpuModel}, ${machine.cores} cores, ${machine.memoryGiB} GiB, Node ${machine.node}, ${machine.os}, load average at start ${machine.loadAverageAtStart.join(' ')}\n\n`);
  out.write(`${renderTable(rows, compare)}\n`);
  if (compare) {
    out.write('\nmsgstore/dovecot is the plain ratio of the two values; "better" says which direction wins; "ahead" names the leader and by how much.\n');
    const behind = furthestBehind(rows, 3);
    if (behind.length) out.write(`furthest behind Dovecot: ${behind.map((r) => `${r.workload} / ${r.figure} (${r.lead!.factor.toFixed(1)}x)`).join('; ')}\n`);
  }
  const save = (componentFigures: Figure[]) => {
    if (!options.json) return;
    writeFileSync(
      options.json,
      JSON.stringify({ plan, machine, msgstoreVersion, dovecotVersion, totalSeconds, loadSeconds, rows, components: componentFigures, problems }, null, 2),
    );
    log(`results written to ${options.json}`);
  };
  // The comparison is saved before the component benchmarks run, so a long one loses nothing.
  save([]);
  const componentFigures = options.components === false ? [] : await runComponents(plan.quick, log, (m) => problems.push(m));
  if (componentFigures.length) {
    out.write('\nmsgstore only (component benchmarks, in-process):\n');
    out.write(`${renderTable(compareFigures(componentFigures, null), false)}\n`);
  }
  out.write(`\nloading the mailboxes (not compared): ${Object.entries(loadSeconds).map(([k, v]) => `${k} ${v.toFixed(1)} s`).join(', ')}\n`);
  if (problems.length) {
    out.write(`\nproblems (${problems.length}):\n`);
    for (const p of problems) out.write(`  - ${p}\n`);
  }
  if (componentFigures.length) save(componentFigures);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`bench: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
