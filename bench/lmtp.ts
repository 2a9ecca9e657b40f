/**
 * LMTP delivery benchmark: a real server (SQLite store, durable appends) on a temporary data
 * directory; ~4 KB messages delivered over one connection and over several in parallel.
 * Reports delivery rate (messages/s) and per-message latency (median and p99, from sending
 * MAIL to the 250 after the final dot).
 * Run alone with: node --import tsx bench/lmtp.ts [messages] [parallel]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AdminService } from '../src/admin/service.js';
import { configSchema } from '../src/config/schema.js';
import { createLmtpService } from '../src/lmtp/index.js';
import { LmtpClient } from '../src/lmtp/client.js';
import { silentLogger } from '../src/log/logger.js';
import { createServerContext } from '../src/server/context.js';

export interface BenchResult {
  name: string;
  value: number;
  unit: string;
}

export interface LmtpBenchOptions {
  /** Messages per measurement (split across connections in the parallel one). Default 400. */
  messages?: number;
  /** Connections in the parallel measurement. Default 4. */
  parallel?: number;
  /** Approximate message size in bytes. Default 4096. */
  messageBytes?: number;
}

const RECIPIENT = 'bench@example.com';

function benchMessage(i: number, size: number): Buffer {
  const header = `From: sender${i % 50}@remote.example\r\nTo: ${RECIPIENT}\r\nSubject: benchmark message ${i}\r\nMessage-ID: <bench-${i}-${Date.now()}@remote.example>\r\nDate: ${new Date().toUTCString()}\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n`;
  const line = `Line of benchmark text for message ${i}, padded to a realistic length.\r\n`;
  const body = line.repeat(Math.max(1, Math.ceil((size - header.length) / line.length)));
  return Buffer.from(header + body);
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  const at = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[at] ?? 0;
}

async function deliverMany(port: number, first: number, count: number, size: number, latencies: number[]): Promise<void> {
  const { client } = await LmtpClient.connect({ host: '127.0.0.1', port, timeoutMs: 30_000 });
  try {
    await client.command('LHLO bench.client');
    for (let i = first; i < first + count; i++) {
      const message = benchMessage(i, size);
      const started = process.hrtime.bigint();
      const result = await client.send('sender@remote.example', [RECIPIENT], message);
      if (result.delivery[0]?.code !== 250) throw new Error(`message ${i} not delivered: ${JSON.stringify(result)}`);
      latencies.push(Number(process.hrtime.bigint() - started) / 1e6);
    }
  } finally {
    await client.quit();
  }
}

export async function runLmtpBench(options: LmtpBenchOptions = {}): Promise<BenchResult[]> {
  const messages = options.messages ?? 400;
  const parallel = Math.max(1, options.parallel ?? 4);
  const size = options.messageBytes ?? 4096;
  const dataDir = mkdtempSync(join(tmpdir(), 'msgstore-bench-lmtp-'));
  const config = configSchema.parse({
    dataDir,
    hostname: 'bench.test',
    host: '127.0.0.1',
    listeners: { lmtp: { host: '127.0.0.1', port: 0, socket: '' } },
    log: { level: 'silent' },
  });
  const ctx = await createServerContext(config, silentLogger());
  const service = createLmtpService(ctx);
  try {
    await new AdminService(ctx.store).addUser({ address: RECIPIENT, password: 'bench-password-1' });
    const port = (await service.start()).find((b) => b.service === 'lmtp')?.port ?? 0;
    // Warm up (JIT, SQLite caches, index worker) so the first measurement is not penalised.
    await deliverMany(port, 0, 20, size, []);

    const single: number[] = [];
    let started = performance.now();
    await deliverMany(port, 1000, messages, size, single);
    const singleRate = messages / ((performance.now() - started) / 1000);

    const many: number[] = [];
    const per = Math.ceil(messages / parallel);
    started = performance.now();
    await Promise.all(Array.from({ length: parallel }, (_, c) => deliverMany(port, 100_000 + c * per, per, size, many)));
    const manyRate = (per * parallel) / ((performance.now() - started) / 1000);

    single.sort((a, b) => a - b);
    many.sort((a, b) => a - b);
    const round = (n: number, digits = 2) => Number(n.toFixed(digits));
    return [
      { name: 'lmtp delivery rate, 1 connection', value: round(singleRate, 1), unit: 'messages/s' },
      { name: `lmtp delivery rate, ${parallel} connections`, value: round(manyRate, 1), unit: 'messages/s' },
      { name: 'lmtp latency median, 1 connection', value: round(percentile(single, 50)), unit: 'ms' },
      { name: 'lmtp latency p99, 1 connection', value: round(percentile(single, 99)), unit: 'ms' },
      { name: `lmtp latency median, ${parallel} connections`, value: round(percentile(many, 50)), unit: 'ms' },
      { name: `lmtp latency p99, ${parallel} connections`, value: round(percentile(many, 99)), unit: 'ms' },
    ];
  } finally {
    await service.stop();
    await ctx.store.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const messages = process.argv[2] ? Number(process.argv[2]) : undefined;
  const parallel = process.argv[3] ? Number(process.argv[3]) : undefined;
  const results = await runLmtpBench({ ...(messages ? { messages } : {}), ...(parallel ? { parallel } : {}) });
  for (const r of results) console.log(`${r.name}: ${r.value} ${r.unit}`);
}
