/**
 * Removes message files whose last reference was deleted. Runs after the deleting commit, in
 * small batches off the caller's path. Each batch holds the write lock while it re-checks that
 * no row points at the file and unlinks it, so an append in another process that commits a row
 * for the same content either happens first (the file stays) or afterwards (and then finds the
 * file gone and writes it again before committing).
 */
import type { Statement } from 'better-sqlite3';
import type { SqliteDatabase } from './db.js';

export interface ReapCandidate {
  /** The root directory the file lies under (as registered in `roots`). */
  root: string;
  hash: Buffer;
  file: string;
}

type Logger = { warn(obj: object, msg?: string): void };

const BATCH = 500;

export class Reaper {
  private readonly queue: ReapCandidate[] = [];
  private scheduled = false;
  private readonly blobExists: Statement;

  constructor(
    private readonly db: SqliteDatabase,
    private readonly removeFile: (file: string) => boolean,
    /** True while an append in this process still relies on the file. */
    private readonly inUse: (file: string) => boolean,
    private readonly logger: Logger,
  ) {
    this.blobExists = db.prepare('SELECT 1 FROM blobs b JOIN roots r ON r.id = b.root_id WHERE r.path = ? AND b.hash = ?').pluck();
  }

  schedule(candidates: readonly ReapCandidate[]): void {
    this.queue.push(...candidates);
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => this.runBatches());
  }

  get pending(): number {
    return this.queue.length;
  }

  private runBatches(): void {
    this.scheduled = false;
    if (!this.db.open) return;
    this.runBatch(this.queue.splice(0, BATCH));
    if (this.queue.length > 0 && !this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.runBatches());
    }
  }

  private runBatch(batch: readonly ReapCandidate[]): void {
    if (batch.length === 0) return;
    try {
      this.db
        .transaction(() => {
          for (const c of batch) {
            if (this.inUse(c.file) || this.blobExists.get(c.root, c.hash) !== undefined) continue;
            if (!this.removeFile(c.file)) this.logger.warn({ file: c.file }, 'message file could not be removed');
          }
        })
        .immediate();
    } catch (err) {
      // Busy or failing database: the files stay as orphans and the next start-up sweep removes them.
      this.logger.warn({ err, files: batch.length }, 'unreferenced message files left for the start-up sweep');
    }
  }

  /** Runs everything still queued now (used by close()). */
  flushSync(): void {
    while (this.queue.length > 0 && this.db.open) this.runBatch(this.queue.splice(0, BATCH));
    this.queue.length = 0;
  }
}
