/**
 * indexMessageAsync: cheap messages are indexed inline (a few milliseconds); all others in a
 * worker thread, so that one hostile message never stalls the event loop that every session
 * shares. One worker is started on first use and reused; it is unref'd while idle so it never
 * keeps the process alive.
 *
 * A message never fails to index: if the worker dies (say, out of memory: its heap is capped
 * at WORKER_HEAP_MB) or gives no answer for JOB_TIMEOUT_MS, the message it was working on (the
 * oldest one sent) gets the minimal fallback index, and the others are sent to a new worker.
 *
 * The worker file is resolved next to this module: from the compiled dist/ it is
 * index-worker.js; under tsx (tests, development) it is index-worker.ts, loaded by a small
 * bootstrap that registers tsx's loader in the worker first (Node 20 does not apply the
 * parent's "--import tsx" hooks to a worker's module loading).
 */
import { Worker } from 'node:worker_threads';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { fallbackIndex, indexMessage } from './index-message.js';
import { extractSearchText } from './search-text.js';
import { INLINE_DELIMITER_LIMIT, INLINE_PARSE_LIMIT } from './limits.js';
import { decodePartTree, type EncodedPartTree } from './part-tree-codec.js';
import type { MessageIndex } from './types.js';

/** Heap of the worker; a message that needs more only costs its own (fallback) index. */
const WORKER_HEAP_MB = 768;
/** Without any answer from the worker for this long, its current message is given up. */
const JOB_TIMEOUT_MS = 60_000;

/** A message's index together with its decoded search text. */
export interface AnalyzedMessage {
  index: MessageIndex;
  searchText: string;
}

interface Job {
  id: number;
  raw: Buffer;
  withText: boolean;
  resolve: (result: AnalyzedMessage) => void;
}

interface IndexReply {
  id: number;
  index: Omit<MessageIndex, 'root'>;
  tree: EncodedPartTree;
  searchText: string;
}

function createWorker(): Worker | null {
  const ts = import.meta.url.endsWith('.ts');
  const url = new URL(ts ? './index-worker.ts' : './index-worker.js', import.meta.url);
  if (!existsSync(fileURLToPath(url))) return null;
  const resourceLimits = { maxOldGenerationSizeMb: WORKER_HEAP_MB };
  if (!ts) return new Worker(url, { resourceLimits });
  const tsxApi = import.meta.resolve('tsx/esm/api');
  const bootstrap = `import(${JSON.stringify(tsxApi)}).then((m) => { m.register(); return import(${JSON.stringify(url.href)}); })`;
  return new Worker(bootstrap, { eval: true, resourceLimits });
}

function inline(raw: Buffer, withText: boolean): AnalyzedMessage {
  const index = indexMessage(raw);
  return { index, searchText: withText ? extractSearchText(raw, index) : '' };
}

/** The shared worker and the messages sent to it, oldest first (the worker takes them in order). */
class IndexWorker {
  private worker: Worker | null = null;
  private readonly jobs = new Map<number, Job>();
  private nextId = 1;
  private watchdog: NodeJS.Timeout | null = null;
  private idleWaiters: (() => void)[] = [];

  analyze(raw: Buffer, withText: boolean): Promise<AnalyzedMessage> {
    return new Promise<AnalyzedMessage>((resolve) => {
      const job: Job = { id: this.nextId++, raw, withText, resolve };
      this.jobs.set(job.id, job);
      this.send(job);
    });
  }

  /** Waits until every message sent has its index, then stops the worker. */
  async close(): Promise<void> {
    if (this.jobs.size > 0) await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
    const w = this.worker;
    this.worker = null;
    this.disarm();
    if (w) await w.terminate();
  }

  private send(job: Job): void {
    const w = this.ensureWorker();
    if (!w) {
      // No worker file (a partial build): index inline rather than not at all.
      this.jobs.delete(job.id);
      job.resolve(inline(job.raw, job.withText));
      this.notifyIdle();
      return;
    }
    w.ref();
    this.arm();
    w.postMessage({ id: job.id, raw: job.raw, withText: job.withText });
  }

  private ensureWorker(): Worker | null {
    if (this.worker) return this.worker;
    let w: Worker | null;
    try {
      w = createWorker();
    } catch {
      w = null;
    }
    if (!w) return null;
    w.on('message', (reply: IndexReply) => this.onReply(reply));
    w.on('error', () => this.onFailure(w));
    w.on('exit', () => this.onFailure(w));
    w.unref();
    this.worker = w;
    return w;
  }

  private onReply(reply: IndexReply): void {
    const job = this.jobs.get(reply.id);
    this.jobs.delete(reply.id);
    if (this.jobs.size === 0) {
      this.disarm();
      this.worker?.unref();
    } else {
      this.arm();
    }
    job?.resolve({ index: { ...reply.index, root: decodePartTree(reply.tree) }, searchText: reply.searchText });
    this.notifyIdle();
  }

  private notifyIdle(): void {
    if (this.jobs.size > 0) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const wake of waiters) wake();
  }

  /** The worker died or hung: give up its current message, resend the others to a new one. */
  private onFailure(failed: Worker | null): void {
    if (failed !== this.worker) return; // an old worker's late exit event
    this.worker = null;
    this.disarm();
    void failed?.terminate();
    const [culprit, ...rest] = [...this.jobs.values()];
    if (!culprit) return;
    this.jobs.delete(culprit.id);
    culprit.resolve({ index: fallbackIndex(culprit.raw), searchText: '' });
    for (const job of rest) this.send(job);
    this.notifyIdle();
  }

  private arm(): void {
    this.disarm();
    this.watchdog = setTimeout(() => this.onFailure(this.worker), JOB_TIMEOUT_MS);
    this.watchdog.unref();
  }

  private disarm(): void {
    if (this.watchdog) clearTimeout(this.watchdog);
    this.watchdog = null;
  }
}

const shared = new IndexWorker();

/**
 * True when raw is cheap enough to index inline: at most INLINE_PARSE_LIMIT bytes and at most
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

function analyze(raw: Buffer, withText: boolean): Promise<AnalyzedMessage> {
  if (isCheapToIndex(raw)) return Promise.resolve(inline(raw, withText));
  return shared.analyze(raw, withText);
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
export function closeIndexWorker(): Promise<void> {
  return shared.close();
}
