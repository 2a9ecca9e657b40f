/**
 * appendMessage with group commit. Each append writes and fsyncs its file on its own, then
 * waits in a queue; one flush per event-loop turn commits every waiting append in a single
 * transaction (one database fsync for all of them), so throughput grows with concurrency.
 * Each append runs in its own savepoint: one failing (over quota, mailbox gone) does not
 * hurt the others. Callers resolve only after the shared commit.
 */
import { indexMessageAsync, normalizeLineEndings } from '../../mime/index.js';
import { MailError } from '../errors.js';
import { asMailboxId, asModSeq, type AppendOptions, type AppendResult, type MailboxId, type Uid } from '../types.js';
import { sha256 } from './blobs.js';
import { contentData, contentDataSync, insertContentRows, type ContentData } from './contents.js';
import { TxScope, type StoreContext } from './context.js';
import { mapDbError } from './db.js';
import { encodeFlags, keywordsToColumn } from './flags.js';
import { requireMailbox } from './mailbox-rows.js';
import { insertMessageRow } from './message-rows.js';
import { checkQuota, ownerById, rootIdFor } from './owners.js';

interface PendingAppend {
  mailboxId: number;
  root: string;
  hash: Buffer;
  file: string;
  data: Buffer;
  /** Null when the content was already stored at prepare time (computed at commit if it vanished). */
  content: ContentData | null;
  mask: number;
  keywords: string | null;
  internalDate: number;
  resolve(result: AppendResult): void;
  reject(err: unknown): void;
}

type Outcome = { ok: true; result: AppendResult } | { ok: false; error: unknown };

export class Appender {
  private queue: PendingAppend[] = [];
  private scheduled = false;
  private inflight = 0;
  private idleWaiters: (() => void)[] = [];
  /** Number of transactions committed (lets tests and the benchmark see batching at work). */
  commits = 0;

  private readonly commitBatch: (batch: readonly PendingAppend[], outcomes: Outcome[]) => void;
  private readonly commitItem: (item: PendingAppend) => AppendResult;

  constructor(private readonly ctx: StoreContext) {
    // Called inside commitBatch's transaction, commitItem runs as a savepoint.
    this.commitItem = ctx.db.transaction((item: PendingAppend) => this.commitOne(item));
    const batchTx = ctx.db.transaction((batch: readonly PendingAppend[], outcomes: Outcome[]) => {
      for (const item of batch) {
        try {
          outcomes.push({ ok: true, result: this.commitItem(item) });
        } catch (error) {
          outcomes.push({ ok: false, error });
        }
      }
    });
    this.commitBatch = (batch, outcomes) => batchTx.immediate(batch, outcomes);
  }

  async append(mailboxId: MailboxId, raw: Buffer, options: AppendOptions = {}): Promise<AppendResult> {
    const ctx = this.ctx;
    ctx.assertOpen();
    this.inflight++;
    try {
      const flags = encodeFlags(options.flags ?? []);
      const internalDate = (options.internalDate ?? new Date()).getTime();
      if (!Number.isFinite(internalDate)) throw new MailError('MS_INVALID_ARGUMENT', 'Invalid internal date');
      const data = options.index ? raw : normalizeLineEndings(raw);
      const hash = sha256(data);
      const hashHex = hash.toString('hex');
      // Early checks without the write lock (repeated authoritatively at commit).
      const { root, stored } = ctx.read('MSGSTAT', () => {
        const mailbox = requireMailbox(ctx, mailboxId);
        const owner = ownerById(ctx, mailbox.owner_kind, mailbox.owner_id);
        checkQuota(ctx, owner, data.length);
        const rootId = ctx.col('SELECT id FROM roots WHERE path = ?').get(owner.root) as number | undefined;
        const found =
          rootId !== undefined && ctx.stmt('SELECT 1 FROM blobs WHERE root_id = ? AND hash = ?').get(rootId, hash) !== undefined;
        return { root: owner.root, stored: found };
      });
      let content: ContentData | null = null;
      if (!stored) content = contentData(data, options.index ?? (await indexMessageAsync(data)));
      const file = ctx.blobs.pathFor(root, hashHex);
      ctx.blobs.pin(file);
      try {
        if (!stored || !(await ctx.blobs.existsAsync(file))) await ctx.blobs.write(root, hashHex, data);
        ctx.assertOpen();
        return await new Promise<AppendResult>((resolve, reject) => {
          this.queue.push({
            mailboxId,
            root,
            hash,
            file,
            data,
            content,
            mask: flags.mask,
            keywords: keywordsToColumn(flags.keywords),
            internalDate,
            resolve,
            reject,
          });
          this.schedule();
        });
      } finally {
        ctx.blobs.unpin(file);
      }
    } finally {
      this.inflight--;
      if (this.inflight === 0) for (const wake of this.idleWaiters.splice(0)) wake();
    }
  }

  /** Resolves once no append is running (used by close()). */
  idle(): Promise<void> {
    if (this.inflight === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    // setImmediate runs after the I/O callbacks of this turn: every append whose file
    // finished in the same turn joins the batch.
    setImmediate(() => {
      this.scheduled = false;
      this.flush();
    });
  }

  private flush(): void {
    const batch = this.queue;
    this.queue = [];
    if (batch.length === 0) return;
    const ctx = this.ctx;
    const tx = new TxScope();
    const outcomes: Outcome[] = [];
    try {
      ctx.assertOpen();
      this.commitBatch(batch, outcomes);
      this.commits++;
    } catch (err) {
      const error = mapDbError(err, 'MSGSTAT', 'add');
      for (const item of batch) item.reject(error);
      this.releaseFiles(batch);
      return;
    }
    const failed: PendingAppend[] = [];
    const appended = new Map<number, { uids: Uid[]; modseq: number }>();
    batch.forEach((item, i) => {
      const outcome = outcomes[i];
      if (outcome?.ok) {
        const entry = appended.get(item.mailboxId) ?? { uids: [], modseq: 0 };
        entry.uids.push(outcome.result.uid);
        entry.modseq = Math.max(entry.modseq, outcome.result.modseq);
        appended.set(item.mailboxId, entry);
      } else {
        failed.push(item);
      }
    });
    for (const [mailboxId, entry] of appended) {
      tx.notify({ kind: 'append', mailboxId: asMailboxId(mailboxId), uids: entry.uids, modseq: asModSeq(entry.modseq) });
    }
    ctx.afterCommit(tx);
    this.releaseFiles(failed);
    batch.forEach((item, i) => {
      const outcome = outcomes[i];
      if (outcome?.ok) item.resolve(outcome.result);
      else item.reject(mapDbError(outcome?.error, 'MSGSTAT', 'add'));
    });
  }

  /** One append inside the shared transaction (its own savepoint). */
  private commitOne(item: PendingAppend): AppendResult {
    const ctx = this.ctx;
    const mailbox = requireMailbox(ctx, item.mailboxId);
    checkQuota(ctx, ownerById(ctx, mailbox.owner_kind, mailbox.owner_id), item.data.length);
    const rootId = rootIdFor(ctx, item.root);
    let blobId = ctx.col('SELECT id FROM blobs WHERE root_id = ? AND hash = ?').get(rootId, item.hash) as
      | number
      | undefined;
    if (blobId === undefined) {
      // Another process's sweep or reaper may have removed the file since it was written.
      if (!ctx.blobs.exists(item.file)) ctx.blobs.writeSync(item.file, item.data);
      blobId = Number(
        ctx.stmt('INSERT INTO blobs (root_id, hash, size, refs) VALUES (?, ?, ?, 0)').run(rootId, item.hash, item.data.length)
          .lastInsertRowid,
      );
      insertContentRows(ctx, blobId, item.content ?? contentDataSync(item.data));
    }
    const inserted = insertMessageRow(ctx, item.mailboxId, {
      blobId,
      size: item.data.length,
      mask: item.mask,
      keywords: item.keywords,
      internalDate: item.internalDate,
    });
    return { uid: inserted.uid, modseq: inserted.modseq, uidValidity: inserted.uidValidity, size: item.data.length };
  }

  /** Files written for appends that did not commit go, unless a row points at them. */
  private releaseFiles(items: readonly PendingAppend[]): void {
    if (items.length > 0) this.ctx.reaper.schedule(items.map((i) => ({ root: i.root, hash: i.hash, file: i.file })));
  }
}
