/** `msgstore backup`, `msgstore restore` and `msgstore check`: thin adapters over src/ops. */
import type { Command } from 'commander';
import { dataPaths } from '../server/context.js';
import { backupStore, type OpsProgress } from '../ops/backup.js';
import { checkStore, DEFAULT_GRACE_MS, PROBLEM_KINDS, type CheckReport } from '../ops/check.js';
import { restoreStore } from '../ops/restore.js';
import { CliError, EXIT, printJson } from './io.js';
import { ProgressBar } from './progress.js';
import { configFor, type GlobalOptions } from './store-access.js';
import { withGlobalOptions } from './users.js';

type OpsOptions = GlobalOptions & { force?: boolean; repair?: boolean; grace?: string };

const LABELS: Record<OpsProgress['phase'], string> = { database: 'database', files: 'files   ', verify: 'verify  ' };

/** One progress bar per phase, drawn on a terminal only (ProgressBar stays silent otherwise). */
function progressBars(): { onProgress(p: OpsProgress): void; finish(): void } {
  let phase: OpsProgress['phase'] | null = null;
  let bar: ProgressBar | null = null;
  let shown = 0;
  return {
    onProgress(p) {
      if (p.phase !== phase) {
        bar?.finish();
        phase = p.phase;
        bar = new ProgressBar(LABELS[p.phase], p.total);
        shown = 0;
      }
      bar?.setTotal(p.total);
      // A restarted database copy starts again from zero.
      if (p.done < shown) shown = 0;
      if (p.done > shown) {
        bar?.tick(p.done - shown);
        shown = p.done;
      }
    },
    finish() {
      bar?.finish();
      bar = null;
    },
  };
}

const formatBytes = (n: number) => (n < 1024 ? `${n} B` : n < 1024 ** 2 ? `${(n / 1024).toFixed(1)} KB` : n < 1024 ** 3 ? `${(n / 1024 ** 2).toFixed(1)} MB` : `${(n / 1024 ** 3).toFixed(2)} GB`);

function printCheck(report: CheckReport): void {
  const out: string[] = [];
  const s = report.scanned;
  out.push(`checked ${s.mailboxes} mailboxes, ${s.messages} messages, ${s.fileRows} file rows, ${s.files} files on disk in ${report.seconds.toFixed(1)} s`);
  if (report.skipped.youngFiles + report.skipped.liveTempFiles > 0) {
    out.push(`left alone: ${report.skipped.youngFiles} new file(s), ${report.skipped.liveTempFiles} temporary file(s) of a running writer`);
  }
  if (report.problems.length === 0) {
    out.push('no problems found');
  } else {
    const summary = PROBLEM_KINDS.filter((k) => report.counts[k] > 0).map((k) => `${report.counts[k]} ${k}`);
    out.push(`found ${report.problems.length} problem(s): ${summary.join(', ')}`);
    for (const p of report.problems) {
      const where = [p.mailbox, p.file].filter(Boolean).join(' ');
      out.push(`  ${p.kind}: ${p.detail}${where ? ` [${where}]` : ''}${p.action ? ` -> ${p.action}` : ''}`);
    }
    if (!report.repair) out.push('nothing was changed; run again with --repair to fix these');
    else out.push(`repaired ${report.problems.filter((p) => p.fixed).length} of ${report.problems.length}`);
  }
  process.stdout.write(out.join('\n') + '\n');
}

export function registerOpsCommands(program: Command): void {
  withGlobalOptions(program.command('backup <dest>').description('copy the store (database and message files) into DEST while the server runs'), true).action(
    async (dest: string, options: OpsOptions) => {
      const paths = dataPaths(configFor(options));
      const bars = progressBars();
      const report = await backupStore({ dataDir: paths.dataDir, mailRoot: paths.mailRoot, dest, onProgress: bars.onProgress }).finally(() => bars.finish());
      const m = report.manifest;
      if (options.json) {
        printJson({ dest: report.dest, seconds: report.seconds, ...m });
        return;
      }
      const lines = [
        `backup written to ${report.dest} in ${report.seconds.toFixed(1)} s`,
        `  ${m.counts.users} users, ${m.counts.shared} shared mailboxes, ${m.counts.mailboxes} mailboxes, ${m.counts.messages} messages`,
        `  ${m.counts.files} message files (${formatBytes(m.counts.fileBytes)}), database ${formatBytes(m.database.bytes)}`,
      ];
      const gone = m.dropped.files - m.dropped.damaged;
      if (gone > 0) lines.push(`  left out ${gone} message file(s) expunged while the copy ran`);
      if (m.dropped.damaged > 0) lines.push(`  left out ${m.dropped.damaged} damaged message file(s) (content does not match its hash); ${m.dropped.messages} message(s) in all were left out`);
      process.stdout.write(lines.join('\n') + '\n');
    },
  );

  withGlobalOptions(program.command('restore <src>').description('check the backup in SRC and restore it into an empty data directory'), true)
    .option('--force', 'replace the store already in the data directory (the server must be stopped)')
    .action(async (src: string, options: OpsOptions) => {
      const paths = dataPaths(configFor(options));
      const bars = progressBars();
      const report = await restoreStore({ source: src, dataDir: paths.dataDir, mailRoot: paths.mailRoot, force: options.force === true, onProgress: bars.onProgress }).finally(() =>
        bars.finish(),
      );
      if (options.json) {
        printJson({ dataDir: report.dataDir, roots: report.roots, filesCopied: report.filesCopied, filesPresent: report.filesPresent, replaced: report.replaced, seconds: report.seconds, counts: report.manifest.counts, backupCreatedAt: report.manifest.createdAt });
        return;
      }
      const c = report.manifest.counts;
      process.stdout.write(
        [
          `restored the backup of ${report.manifest.createdAt} into ${report.dataDir} in ${report.seconds.toFixed(1)} s`,
          `  ${c.users} users, ${c.shared} shared mailboxes, ${c.mailboxes} mailboxes, ${c.messages} messages, ${c.files} message files`,
          ...report.roots.filter((r) => r.from !== r.to).map((r) => `  message root ${r.from} -> ${r.to}`),
        ].join('\n') + '\n',
      );
    });

  withGlobalOptions(program.command('check').description('look for orphan or missing message files, wrong reference counts, UID and counter problems'), true)
    .option('--repair', 'fix what was found (safe while the server runs)')
    .option('--grace <seconds>', `leave files younger than this alone (default ${DEFAULT_GRACE_MS / 1000})`)
    .action(async (options: OpsOptions) => {
      const paths = dataPaths(configFor(options));
      const graceSeconds = options.grace === undefined ? DEFAULT_GRACE_MS / 1000 : Number(options.grace);
      if (!Number.isFinite(graceSeconds) || graceSeconds < 0) throw new CliError('--grace takes a number of seconds', EXIT.USAGE);
      const bars = progressBars();
      const report = await checkStore({ dataDir: paths.dataDir, mailRoot: paths.mailRoot, repair: options.repair === true, graceMs: graceSeconds * 1000, onProgress: bars.onProgress }).finally(() =>
        bars.finish(),
      );
      if (options.json) printJson(report);
      else printCheck(report);
      const unresolved = report.problems.filter((p) => !p.fixed).length;
      // Problems left (all of them without --repair) make the exit status non-zero, for scripts.
      if (unresolved > 0) throw new CliError('', EXIT.GENERAL);
    });
}
