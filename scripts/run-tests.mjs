#!/usr/bin/env node
// Runs every test file under test/ with node's own test runner (TypeScript through tsx).
// Usage: node scripts/run-tests.mjs [--build] [substring ...]
//   substrings: only files whose path contains one of them; --build: compile first even then.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

function collect(dir) {
  const out = [];
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...collect(path));
    else if (name.endsWith('.test.ts')) out.push(path);
  }
  return out;
}

const args = process.argv.slice(2);
const buildFirst = args.includes('--build');
const filters = args.filter((a) => a !== '--build');
const files = collect('test').filter((f) => filters.length === 0 || filters.some((s) => f.includes(s)));
if (files.length === 0) {
  console.error('no test files found');
  process.exit(1);
}
// The end-to-end tests run bin/msgstore, which runs the compiled code: a full run builds it
// first (a run of chosen files does too with --build).
if (filters.length === 0 || buildFirst) {
  const build = spawnSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
  if (build.status !== 0) {
    console.error('build failed');
    process.exit(1);
  }
}
const result = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-concurrency=2', '--test-timeout=120000', ...files],
  { stdio: 'inherit' },
);
process.exit(result.status ?? 1);
