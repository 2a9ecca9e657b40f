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
import { extractSearchText } from './search-text.js';
import { INLINE_DELIMITER_LIMIT, INLINE_PARSE_LIMIT } from './limits.js';
import type { MessageIndex } from './types.js';

/** A message's index together with its decoded search text. */
export interface AnalyzedMessage {
  index: MessageIndex;
  searchText: string;
}

interface Pending {
  resolve: (result: AnalyzedMessage) => void;
  reject: (err: Error) => void;
}

interface IndexReply {
  id: number;
  index: MessageIndex;
  searchText: string;
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
    p?.resolve({ index: reply.index, searchText: reply.searchText });
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

/**
 * True when raw is small enough to index inline: at most INLINE_PARSE_LIMIT bytes and at most
 * INLINE_DELIMITER_LIMIT lines starting with "--" (each may open a part, and part count, not
 * size, is what makes a small message expensive).
 */
export function isCheapToIndex(raw: Buffer): boolean {
  if (raw.length > INLINE_PARSE_LIMIT) return false;
  let lines = 0;
  for (let at = raw.indexOf('\n--', 0, 'latin1'); at !== -1; at = raw.indexOf('\n--', at + 1, 'latin1')) {
    if (++lines > INLINE_DELIMITER_LIMIT) return false;
  }
  return true;
}

function inline(raw: Buffer, withText: boolean): AnalyzedMessage {
  const index = indexMessage(raw);
  return { index, searchText: withText ? extractSearchText(raw, index) : '' };
}

function analyze(raw: Buffer, withText: boolean): Promise<AnalyzedMessage> {
  if (isCheapToIndex(raw)) return Promise.resolve(inline(raw, withText));
  worker ??= startWorker();
  const w = worker;
  // Without a worker (its file missing from a partial build) indexing still works, inline.
  if (!w) return Promise.resolve(inline(raw, withText));
  const id = nextId++;
  return new Promise<AnalyzedMessage>((resolve, reject) => {
    pending.set(id, { resolve, reject });
    w.ref();
    w.postMessage({ id, raw, withText });
  });
}

/** Indexes raw (already normalised); large or part-heavy messages off the main thread. */
export async function indexMessageAsync(raw: Buffer): Promise<MessageIndex> {
  return (await analyze(raw, false)).index;
}

/** indexMessage and extractSearchText together, off the main thread when expensive. */
export function analyzeMessageAsync(raw: Buffer): Promise<AnalyzedMessage> {
  return analyze(raw, true);
}

/** Stops the shared worker (for an orderly shutdown); a later call starts a new one. */
export async function closeIndexWorker(): Promise<void> {
  const w = worker;
  worker = null;
  if (w) await w.terminate();
}
