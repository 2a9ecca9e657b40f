/**
 * indexMessageAsync: small messages are indexed inline (bounded, well under the 50 ms a
 * session may wait); larger ones in a worker thread, so that one hostile message never stalls
 * the event loop that every session shares. One worker is started on first use and reused;
 * it is unref'd while idle so it never keeps the process alive.
 *
 * The worker file is resolved next to this module: from the compiled dist/ it is
 * index-worker.js; under tsx (tests, development) it is index-worker.ts, loaded by a small
 * bootstrap that registers tsx's loader in the worker first (Node 20 does not apply the
 * parent's "--import tsx" hooks to a worker's module loading).
 */
import { Worker } from 'node:worker_threads';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { indexMessage } from './index-message.js';
import { INLINE_PARSE_LIMIT } from './limits.js';
import type { MessageIndex } from './types.js';

interface Pending {
  resolve: (index: MessageIndex) => void;
  reject: (err: Error) => void;
}

interface IndexReply {
  id: number;
  index: MessageIndex;
}

let worker: Worker | null = null;
let nextId = 1;
const pending = new Map<number, Pending>();

function createWorker(): Worker | null {
  const ts = import.meta.url.endsWith('.ts');
  const url = new URL(ts ? './index-worker.ts' : './index-worker.js', import.meta.url);
  if (!existsSync(fileURLToPath(url))) return null;
  if (!ts) return new Worker(url);
  const tsxApi = import.meta.resolve('tsx/esm/api');
  const bootstrap = `import(${JSON.stringify(tsxApi)}).then((m) => { m.register(); return import(${JSON.stringify(url.href)}); })`;
  return new Worker(bootstrap, { eval: true });
}

function failAll(err: Error): void {
  for (const p of pending.values()) p.reject(err);
  pending.clear();
}

function startWorker(): Worker | null {
  let w: Worker | null;
  try {
    w = createWorker();
  } catch {
    w = null;
  }
  if (!w) return null;
  w.on('message', (reply: IndexReply) => {
    const p = pending.get(reply.id);
    pending.delete(reply.id);
    if (pending.size === 0) w.unref();
    p?.resolve(reply.index);
  });
  w.on('error', (err: Error) => {
    if (worker === w) worker = null;
    failAll(err);
  });
  w.on('exit', (code) => {
    if (worker === w) worker = null;
    if (pending.size > 0) failAll(new Error(`MIME index worker exited with code ${code}`));
  });
  w.unref();
  return w;
}

/** Indexes raw (already normalised); large messages off the main thread. */
export function indexMessageAsync(raw: Buffer): Promise<MessageIndex> {
  if (raw.length <= INLINE_PARSE_LIMIT) return Promise.resolve(indexMessage(raw));
  worker ??= startWorker();
  const w = worker;
  if (!w) return Promise.resolve(indexMessage(raw));
  const id = nextId++;
  return new Promise<MessageIndex>((resolve, reject) => {
    pending.set(id, { resolve, reject });
    w.ref();
    w.postMessage({ id, raw });
  });
}

/** Stops the shared worker (for an orderly shutdown); a later call starts a new one. */
export async function closeIndexWorker(): Promise<void> {
  const w = worker;
  worker = null;
  if (w) await w.terminate();
}
