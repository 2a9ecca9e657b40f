/**
 * Summarizes a V8 CPU profile (node --cpu-prof): the functions with the most self time.
 * Usage: node --import tsx bench/profile-summary.ts FILE.cpuprofile [--top N]
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export interface SelfTime {
  name: string;
  location: string;
  ms: number;
  percent: number;
}

/** Self time per function (same name and location merged), largest first. */
export function selfTimes(profile: CpuProfile): { totalMs: number; idleMs: number; functions: SelfTime[] } {
  const byNode = new Map<number, number>();
  for (let i = 0; i < profile.samples.length; i++) {
    const id = profile.samples[i]!;
    byNode.set(id, (byNode.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
  }
  const merged = new Map<string, SelfTime>();
  let totalMs = 0;
  let idleMs = 0;
  for (const node of profile.nodes) {
    const ms = byNode.get(node.id) ?? 0;
    if (ms === 0) continue;
    totalMs += ms;
    const name = node.callFrame.functionName || '(anonymous)';
    if (name === '(idle)') idleMs += ms;
    const url = node.callFrame.url.replace(/^file:\/\//, '').replace(/^.*\/(src|dist|node_modules)\//, '$1/');
    const location = url ? `${url}:${node.callFrame.lineNumber + 1}` : '';
    const key = `${name}\u0000${location}`;
    const entry = merged.get(key) ?? { name, location, ms: 0, percent: 0 };
    entry.ms += ms;
    merged.set(key, entry);
  }
  const busy = totalMs - idleMs;
  const functions = [...merged.values()].filter((f) => f.name !== '(idle)').sort((a, b) => b.ms - a.ms);
  for (const f of functions) f.percent = busy > 0 ? (100 * f.ms) / busy : 0;
  return { totalMs, idleMs, functions };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const file = process.argv[2];
  if (!file) {
    process.stderr.write('usage: profile-summary FILE.cpuprofile [--top N]\n');
    process.exit(2);
  }
  const topAt = process.argv.indexOf('--top');
  const top = topAt > 0 ? Number(process.argv[topAt + 1]) : 25;
  const summary = selfTimes(JSON.parse(readFileSync(file, 'utf8')) as CpuProfile);
  process.stdout.write(`profile ${file}: ${(summary.totalMs / 1000).toFixed(1)} s sampled, ${(summary.idleMs / 1000).toFixed(1)} s idle\n`);
  process.stdout.write('self ms    % busy  function  location\n');
  for (const f of summary.functions.slice(0, top)) {
    process.stdout.write(`${f.ms.toFixed(0).padStart(8)}  ${f.percent.toFixed(1).padStart(6)}  ${f.name}  ${f.location}\n`);
  }
}
