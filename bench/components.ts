/**
 * The msgstore-only component benchmarks that live beside this suite (store, POP3, LMTP and
 * MailSort, each owned by its layer): each runs in a child process of its own, so that its memory
 * figures are not this process's, and answers its figures as JSON.
 */
import { existsSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Figure } from './workloads/types.js';

interface ComponentResult {
  name: string;
  value: number;
  unit: string;
}

interface Component {
  file: string;
  workload: string;
  exportName: string;
  options(quick: boolean): unknown;
}

const COMPONENTS: Component[] = [
  { file: 'store.ts', workload: 'component: store', exportName: 'runStoreBench', options: (quick) => ({ quick }) },
  { file: 'pop3.ts', workload: 'component: POP3', exportName: 'runPop3Bench', options: (quick) => (quick ? { messages: 200, logins: 10 } : {}) },
  { file: 'lmtp.ts', workload: 'component: LMTP', exportName: 'runLmtpBench', options: (quick) => (quick ? { messages: 100 } : {}) },
  { file: 'mailsort.ts', workload: 'component: MailSort', exportName: 'runMailSortBench', options: () => undefined },
  { file: 'import.ts', workload: 'component: import', exportName: 'runImportBench', options: (quick) => ({ quick }) },
];

const HERE = fileURLToPath(new URL('.', import.meta.url));

/** Lower is better for times, latencies and memory; higher for rates. */
function betterFor(unit: string): 'higher' | 'lower' {
  return /\/s$|per s/i.test(unit) ? 'higher' : 'lower';
}

function runComponent(component: Component, quick: boolean, timeoutMs: number): Promise<ComponentResult[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), component.file, component.exportName, JSON.stringify(component.options(quick) ?? null)], {
      stdio: ['ignore', 'pipe', 'pipe'],
      cwd: `${HERE}..`,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      const line = stdout.split('\n').find((l) => l.startsWith('BENCH-RESULT '));
      if (code !== 0 || !line) return reject(new Error(`${component.file} failed (${code}): ${stderr.slice(-500)}`));
      resolve(JSON.parse(line.slice('BENCH-RESULT '.length)) as ComponentResult[]);
    });
  });
}

/** Runs every component benchmark that exists; a failing one is reported, not fatal. */
export async function runComponents(quick: boolean, log: (message: string) => void, problem: (message: string) => void): Promise<Figure[]> {
  const out: Figure[] = [];
  for (const component of COMPONENTS) {
    if (!existsSync(`${HERE}${component.file}`)) continue;
    log(`component benchmark ${component.file}`);
    try {
      const results = await runComponent(component, quick, quick ? 120_000 : 600_000);
      for (const r of results) out.push({ workload: component.workload, figure: r.name, unit: r.unit, value: r.value, better: betterFor(r.unit) });
    } catch (error) {
      problem(`component ${component.file}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  return out;
}

// Child side: import the module, call its export, print the figures as one JSON line.
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const [file, exportName, optionsJson] = process.argv.slice(2);
  const mod = (await import(`./${file}`)) as Record<string, unknown>;
  const fn = mod[exportName ?? ''];
  if (typeof fn !== 'function') throw new Error(`${file} does not export ${exportName}`);
  const options = JSON.parse(optionsJson ?? 'null') as unknown;
  const results = (await (options === null ? fn() : fn(options))) as ComponentResult[];
  process.stdout.write(`BENCH-RESULT ${JSON.stringify(results)}\n`);
  process.exit(0);
}
