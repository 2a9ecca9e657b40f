/**
 * Prints the Markdown tables of a `npm run bench -- --json FILE` result, for docs/benchmarks.md.
 * Usage: node --import tsx bench/report/json-to-markdown.ts FILE
 */
import { readFileSync } from 'node:fs';
import { compareFigures, furthestBehind, renderTable, type ComparedRow } from './table.js';
import type { MachineInfo } from '../machine.js';
import type { Figure } from '../workloads/types.js';

interface SavedRun {
  machine: MachineInfo;
  msgstoreVersion: string;
  dovecotVersion: string | null;
  totalSeconds: number;
  loadSeconds: Record<string, number>;
  rows: ComparedRow[];
  components: Figure[];
  problems: string[];
}

const file = process.argv[2];
if (!file) {
  process.stderr.write('usage: json-to-markdown FILE\n');
  process.exit(2);
}
const run = JSON.parse(readFileSync(file, 'utf8')) as SavedRun;
const m = run.machine;
const out: string[] = [];
out.push(`- CPU: ${m.cpuModel}, ${m.cores} cores; memory ${m.memoryGiB} GiB; ${m.os}`);
out.push(`- Node ${m.node}; msgstore ${run.msgstoreVersion}; Dovecot ${run.dovecotVersion ?? '(not compared)'}`);
out.push(`- load average when the run started: ${m.loadAverageAtStart.join(' ')}; open-file hard limit ${m.openFileHardLimit}`);
out.push(`- the run took ${Math.round(run.totalSeconds)} s; loading the mailboxes (not timed): ${Object.entries(run.loadSeconds).map(([k, v]) => `${k} ${v.toFixed(0)} s`).join(', ')}`);
out.push('');
out.push(renderTable(run.rows, run.dovecotVersion !== null, true));
const behind = furthestBehind(run.rows, 3);
if (behind.length) {
  out.push('');
  out.push(`Furthest behind Dovecot: ${behind.map((r) => `${r.workload} / ${r.figure} (${r.lead!.factor.toFixed(1)}x)`).join('; ')}.`);
}
if (run.components.length) {
  out.push('');
  out.push('msgstore only (component benchmarks):');
  out.push('');
  out.push(renderTable(compareFigures(run.components, null), false, true));
}
if (run.problems.length) {
  out.push('');
  out.push('Problems reported by the run:');
  out.push('');
  for (const p of run.problems) out.push(`- ${p}`);
}
process.stdout.write(`${out.join('\n')}\n`);
