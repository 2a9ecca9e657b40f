/**
 * Message Store benchmark (SQLite backend).
 * - appends per second: 10,000 distinct ~4 KB messages into one mailbox, many in flight at once
 *   (so the group commit shares database fsyncs), and a short one-at-a-time run for comparison;
 * - the time listMessages takes to load UID/flags/size of a 100,000-message mailbox (rows
 *   inserted through concurrent appends of one shared message file);
 * - the process's peak RSS.
 * Run alone with: node --import tsx bench/store.ts [--quick]   (--quick: 1,000 and 10,000)
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createSqliteStore, type SqliteStore } from '../src/store/sqlite/index.js';
import type { MailboxId } from '../src/store/types.js';

export interface BenchResult {
  name: string;
  value: number;
  unit: string;
}

export interface StoreBenchOptions {
  /** Smaller runs (1,000 appends, a 10,000-message mailbox). */
  quick?: boolean;
  /** Appends in flight at once (default 64). */
  concurrency?: number;
  /** Where to put the temporary store (default: the system temp directory). */
  tmpDir?: string;
}

const FILLER = 'The quick brown fox jumps over the lazy dog while the store keeps every byte safe. ';

/** A distinct message of about 4 KB. */
function benchMessage(i: number): Buffer {
  const header =
    `From: Sender ${i % 97} <sender${i % 97}@example.net>\r\nTo: bench@example.org\r\n` +
    `Subject: Benchmark message ${i}\r\nMessage-ID: <bench-${i}@example.net>\r\n` +
    'Date: Tue, 5 Mar 2024 10:00:00 +0000\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n';
  let body = '';
  let line = 0;
  while (header.length + body.length < 4000) body += `${i}:${line++} ${FILLER}\r\n`;
  return Buffer.from(header + body);
}

/** Runs `count` jobs with at most `limit` in flight. */
async function pool(count: number, limit: number, job: (i: number) => Promise<unknown>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < count) await job(next++);
  };
  await Promise.all(Array.from({ length: Math.min(limit, count) }, worker));
}

function seconds(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e9;
}

/** Appends `count` messages; returns appends per second and CPU milliseconds per append. */
async function appendRate(
  store: SqliteStore,
  mailbox: MailboxId,
  count: number,
  offset: number,
  limit: number,
): Promise<{ rate: number; cpuMs: number }> {
  const messages = Array.from({ length: count }, (_, i) => benchMessage(offset + i));
  const start = process.hrtime.bigint();
  const cpu = process.cpuUsage();
  await pool(count, limit, (i) => store.appendMessage(mailbox, messages[i] as Buffer));
  const used = process.cpuUsage(cpu);
  return { rate: count / seconds(start), cpuMs: (used.user + used.system) / 1000 / count };
}

const FLAG_SETS = [[], ['\\Seen'], ['\\Seen', '\\Flagged'], ['\\Seen', '$Work'], ['\\Answered', '\\Seen']];

export async function runStoreBench(options: StoreBenchOptions = {}): Promise<BenchResult[]> {
  const quick = options.quick ?? false;
  const limit = options.concurrency ?? 64;
  const appendCount = quick ? 1_000 : 10_000;
  const serialCount = quick ? 100 : 300;
  const bigCount = quick ? 10_000 : 100_000;
  const dataDir = fs.mkdtempSync(path.join(options.tmpDir ?? os.tmpdir(), 'msgstore-bench-'));
  const store = await createSqliteStore({ dataDir });
  try {
    await store.addUser({ address: 'bench@example.org', passwordHash: 'x' });
    const owner = { kind: 'user', address: 'bench@example.org' } as const;
    const inbox = await store.getMailbox(owner, 'INBOX');

    const commitsBefore = store.appendCommits;
    const concurrent = await appendRate(store, inbox.id, appendCount, 0, limit);
    const commits = store.appendCommits - commitsBefore;
    const serialBox = await store.createMailbox(owner, 'Serial');
    const serial = await appendRate(store, serialBox.id, serialCount, appendCount, 1);

    // The big mailbox: one shared file, so inserting 100,000 rows costs database work only.
    const big = await store.createMailbox(owner, 'Big');
    const shared = benchMessage(-1);
    const fillStart = process.hrtime.bigint();
    await pool(bigCount, 512, (i) => store.appendMessage(big.id, shared, { flags: FLAG_SETS[i % FLAG_SETS.length] }));
    const fillSeconds = seconds(fillStart);

    const timings: number[] = [];
    const cpuTimings: number[] = [];
    let listed = 0;
    for (let run = 0; run < 3; run++) {
      const start = process.hrtime.bigint();
      const cpu = process.cpuUsage();
      listed = (await store.listMessages(big.id)).length;
      const used = process.cpuUsage(cpu);
      timings.push(seconds(start) * 1000);
      cpuTimings.push((used.user + used.system) / 1000);
    }
    if (listed !== bigCount) throw new Error(`listMessages returned ${listed} messages, expected ${bigCount}`);
    const firstMs = timings[0] ?? 0;
    timings.sort((a, b) => a - b);
    cpuTimings.sort((a, b) => a - b);
    const k = bigCount / 1000;
    return [
      { name: `store.append_${appendCount}_4k_concurrent${limit}`, value: Math.round(concurrent.rate), unit: 'appends/s' },
      { name: 'store.append_4k_cpu_per_append', value: Number(concurrent.cpuMs.toFixed(2)), unit: 'ms' },
      { name: `store.append_4k_commits_per_${appendCount}`, value: commits, unit: 'commits' },
      { name: 'store.append_4k_one_at_a_time', value: Math.round(serial.rate), unit: 'appends/s' },
      { name: `store.fill_${k}k_mailbox_shared_file`, value: Math.round(bigCount / fillSeconds), unit: 'appends/s' },
      { name: `store.list_messages_${k}k_first`, value: Number(firstMs.toFixed(1)), unit: 'ms' },
      { name: `store.list_messages_${k}k_median`, value: Number((timings[1] ?? 0).toFixed(1)), unit: 'ms' },
      { name: `store.list_messages_${k}k_median_cpu`, value: Number((cpuTimings[1] ?? 0).toFixed(1)), unit: 'ms' },
      { name: 'store.peak_rss', value: Math.round(process.resourceUsage().maxRSS / 1024), unit: 'MB' },
    ];
  } finally {
    await store.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const results = await runStoreBench({ quick: process.argv.includes('--quick') });
  for (const r of results) console.log(`${r.name}: ${r.value} ${r.unit}`);
}
