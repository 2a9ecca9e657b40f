/**
 * The spool agent (the guide's "Shared Message Queue"): watches the spool directory, delivers
 * each queued file through the pipeline, and moves it to done/ once every recipient has its
 * outcome, or to failed/ with a reason file (first line: an LM_* code). A message is never
 * deleted: temporary failures stay in the spool (rewritten to the recipients still pending) and
 * are retried with growing delays.
 */
import { promises as fs, watch, type FSWatcher } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from '../log/logger.js';
import type { ServerContext, Service, BoundAddress } from '../server/context.js';
import { dataPaths } from '../server/context.js';
import { DeliveryError, LM_ERROR_MESSAGES, isDeliveryError, type LmErrorCode } from './errors.js';
import { outcomeKind, type RecipientOutcome } from './outcome.js';
import type { DeliveryPipeline } from './pipeline.js';
import { MAX_ENVELOPE_BYTES, formatSpoolFile, parseSpoolFile, type SpoolFile } from './spool-format.js';
import { SPOOL_SUBDIRS, isSpoolName, moveInto, writeAtomically, writeInto, writeReason } from './spool-files.js';

export interface SpoolAgentOptions {
  dir: string;
  pipeline: DeliveryPipeline;
  logger: Logger;
  /** Rescan interval besides file-system notifications. */
  scanIntervalMs: number;
  maxMessageBytes: number;
  /** First retry delay after a temporary failure; doubles up to maxRetryDelayMs. */
  retryDelayMs?: number;
  maxRetryDelayMs?: number;
  /** Files delivered at the same time within a pass (default 4). */
  concurrency?: number;
}

const DEFAULT_CONCURRENCY = 4;

interface RetryState {
  attempts: number;
  notBefore: number;
}

export class SpoolAgent {
  private watcher: FSWatcher | null = null;
  private timer: NodeJS.Timeout | null = null;
  /** The last pass queued; passes never overlap, so no file is handled twice at once. */
  private tail: Promise<void> = Promise.resolve();
  private queued = false;
  private stopped = true;
  private readonly retries = new Map<string, RetryState>();

  constructor(private readonly options: SpoolAgentOptions) {}

  get dir(): string {
    return this.options.dir;
  }

  async start(): Promise<void> {
    try {
      await fs.mkdir(this.options.dir, { recursive: true });
      for (const sub of SPOOL_SUBDIRS) await fs.mkdir(join(this.options.dir, sub), { recursive: true });
    } catch (err) {
      throw new DeliveryError('LM_CANNOT_INIT_MQ', `Spool directory ${this.options.dir} cannot be set up`, { cause: err });
    }
    this.stopped = false;
    try {
      this.watcher = watch(this.options.dir, () => this.kick());
      this.watcher.on('error', (err) => this.options.logger.warn({ err }, 'spool: directory watch failed; scanning on the timer only'));
    } catch (err) {
      this.options.logger.warn({ err }, 'spool: directory watch unavailable; scanning on the timer only');
    }
    this.timer = setInterval(() => this.kick(), this.options.scanIntervalMs);
    this.timer.unref();
    this.kick();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.watcher?.close();
    this.watcher = null;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.tail;
  }

  /** Scan soon. Passes run one at a time; many notifications while one waits make one pass. */
  kick(): void {
    if (this.stopped || this.queued) return;
    this.queued = true;
    this.tail = this.tail.then(async () => {
      this.queued = false;
      if (!this.stopped) await this.pass();
    }).catch((err: unknown) => this.options.logger.error({ err }, 'spool: pass failed'));
  }

  /** One full pass now (after any pass under way); resolves when every file found was handled. */
  async scanOnce(): Promise<void> {
    const pass = this.tail.then(() => this.pass());
    this.tail = pass.catch(() => undefined);
    await pass;
  }

  private async pass(): Promise<void> {
    let names: string[];
    try {
      names = (await fs.readdir(this.options.dir)).filter(isSpoolName).sort();
    } catch (err) {
      this.options.logger.error({ lm: 'LM_CANNOT_OPEN_MQ', dir: this.options.dir, err }, 'spool: directory cannot be read');
      return;
    }
    const now = Date.now();
    const due = names.filter((name) => (this.retries.get(name)?.notBefore ?? 0) <= now);
    // A few files at once, oldest first: their commits share fsyncs in the store.
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < due.length && !this.stopped) {
        const name = due[next++];
        if (name !== undefined) await this.handleFile(name);
      }
    };
    const workers = Math.min(this.options.concurrency ?? DEFAULT_CONCURRENCY, due.length);
    await Promise.all(Array.from({ length: workers }, () => worker()));
  }

  private async handleFile(name: string): Promise<void> {
    const path = join(this.options.dir, name);
    let file: Buffer;
    try {
      const stat = await fs.lstat(path);
      if (!stat.isFile()) return;
      if (stat.size === 0) return this.fail(name, 'LM_MQ_MSGFILE_EMPTY', []);
      if (stat.size > this.options.maxMessageBytes + MAX_ENVELOPE_BYTES) {
        return this.fail(name, 'LM_MSG_TOO_LARGE', [`message exceeds the size limit of ${this.options.maxMessageBytes} bytes`]);
      }
      file = await readSpoolFile(path);
    } catch (err) {
      if (isDeliveryError(err, 'LM_MQ_MSGFILE_NOT_FOUND')) return; // Taken away by someone else: nothing to keep.
      const code = isDeliveryError(err) ? err.code : 'LM_CANNOT_OPEN_MQ_MSGFILE';
      return this.fail(name, code, [errorText(err)]);
    }
    let parsed: SpoolFile;
    try {
      parsed = parseSpoolFile(file);
    } catch (err) {
      const code = isDeliveryError(err) ? err.code : 'LM_INVALID_MSGENV';
      return this.fail(name, code, [isDeliveryError(err) && err.detail ? err.detail : errorText(err)]);
    }
    let outcomes: RecipientOutcome[];
    try {
      outcomes = await this.options.pipeline.deliver({ envelopeFrom: parsed.envelope.from, recipients: parsed.envelope.recipients, raw: parsed.message, via: 'spool' });
    } catch (err) {
      this.options.logger.error({ file: name, err }, 'spool: delivery failed; will retry');
      this.scheduleRetry(name);
      return;
    }
    await this.settle(name, parsed, outcomes);
  }

  /** Files the outcome: done/, failed/ (with reasons), or back into the spool for what is pending. */
  private async settle(name: string, parsed: SpoolFile, outcomes: RecipientOutcome[]): Promise<void> {
    const temporary = outcomes.filter((o) => outcomeKind(o) === 'temporary');
    const permanent = outcomes.filter((o) => outcomeKind(o) === 'permanent');
    const delivered = outcomes.length - temporary.length - permanent.length;
    try {
      if (permanent.length > 0) {
        const reasonLines = [permanent[0]?.lmCode ?? 'LM_INVALID_MSGENV', ...permanent.map(describeOutcome)];
        if (temporary.length === 0 && delivered === 0) {
          const failedName = await moveInto(this.options.dir, 'failed', name);
          await writeReason(this.options.dir, failedName, reasonLines);
          this.log(name, 'failed', permanent[0]?.lmCode ?? null);
          this.retries.delete(name);
          return;
        }
        const failedPart = formatSpoolFile({ from: parsed.envelope.from, recipients: permanent.map((o) => o.recipient) }, parsed.message);
        const failedName = await writeInto(this.options.dir, 'failed', name, failedPart);
        await writeReason(this.options.dir, failedName, reasonLines);
      }
      if (temporary.length > 0) {
        if (temporary.length !== outcomes.length) {
          const pending = formatSpoolFile({ from: parsed.envelope.from, recipients: temporary.map((o) => o.recipient) }, parsed.message);
          await writeAtomically(this.options.dir, join(this.options.dir, name), pending);
        }
        this.scheduleRetry(name);
        this.log(name, 'deferred', temporary[0]?.lmCode ?? null);
        return;
      }
      await moveInto(this.options.dir, 'done', name);
      this.retries.delete(name);
      this.log(name, 'done', null);
    } catch (err) {
      // The outcomes are known but could not be recorded; the file stays and is retried.
      this.options.logger.error({ file: name, err }, 'spool: could not record delivery outcome');
      this.scheduleRetry(name);
    }
  }

  private async fail(name: string, code: LmErrorCode, details: string[]): Promise<void> {
    try {
      const failedName = await moveInto(this.options.dir, 'failed', name);
      await writeReason(this.options.dir, failedName, [code, LM_ERROR_MESSAGES[code], ...details]);
      this.retries.delete(name);
      this.log(name, 'failed', code, details);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
      this.options.logger.error({ file: name, lm: code, err }, 'spool: could not move a bad file to failed/');
      this.scheduleRetry(name);
    }
  }

  private scheduleRetry(name: string): void {
    const base = this.options.retryDelayMs ?? 30_000;
    const max = this.options.maxRetryDelayMs ?? 3_600_000;
    const attempts = (this.retries.get(name)?.attempts ?? 0) + 1;
    const delay = Math.min(max, base * 2 ** Math.min(attempts - 1, 20));
    this.retries.set(name, { attempts, notBefore: Date.now() + delay });
  }

  private log(name: string, result: 'done' | 'failed' | 'deferred', lm: LmErrorCode | null, details?: string[]): void {
    const level = result === 'done' ? 'debug' : 'warn';
    this.options.logger[level]({ file: name, result, lm: lm ?? undefined, details }, `spool: ${result}`);
  }
}

async function readSpoolFile(path: string): Promise<Buffer> {
  let handle: fs.FileHandle;
  try {
    handle = await fs.open(path, 'r');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new DeliveryError('LM_MQ_MSGFILE_NOT_FOUND', undefined, { cause: err });
    throw new DeliveryError('LM_CANNOT_OPEN_MQ_MSGFILE', undefined, { cause: err, detail: errorText(err) });
  }
  try {
    return await handle.readFile();
  } catch (err) {
    throw new DeliveryError('LM_CANNOT_READ_MQ_MSGFILE', undefined, { cause: err, detail: errorText(err) });
  } finally {
    await handle.close();
  }
}

function errorText(err: unknown): string {
  if (isDeliveryError(err) && err.detail) return err.detail;
  if (isDeliveryError(err) && err.cause instanceof Error) return err.cause.message;
  return err instanceof Error ? err.message : String(err);
}

function describeOutcome(o: RecipientOutcome): string {
  return `<${o.recipient}>: ${o.code} ${o.enhanced} ${o.lmCode ?? ''} ${o.text}`.replace(/\s+/g, ' ').trim();
}

/** The spool agent as a service of `msgstore serve` (no listening address). */
export function createSpoolService(ctx: ServerContext, pipeline: DeliveryPipeline): Service {
  const agent = new SpoolAgent({
    dir: dataPaths(ctx.config).spoolDir,
    pipeline,
    logger: ctx.logger,
    scanIntervalMs: ctx.config.timers.spoolScanSeconds * 1000,
    maxMessageBytes: ctx.config.limits.maxMessageBytes,
  });
  return {
    name: 'spool',
    async start(): Promise<BoundAddress[]> {
      if (ctx.config.spool.enabled) await agent.start();
      return [];
    },
    stop: () => agent.stop(),
  };
}
