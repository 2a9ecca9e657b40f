/**
 * What every part of the SQLite store shares: the database handle with a prepared-statement
 * cache, the blob store, the notifier, and the read/write wrappers that map failures to
 * MailError codes and publish change notices only after a successful commit.
 */
import type { Statement } from 'better-sqlite3';
import { MailError } from '../errors.js';
import type { MailboxChange } from '../types.js';
import type { BlobStore } from './blobs.js';
import { mapDbError, type DbArea, type DbOp, type SqliteDatabase } from './db.js';
import type { LocalNotifier, NotifySender } from './notifier.js';
import type { Reaper, ReapCandidate } from './reaper.js';

export interface StoreLogger {
  warn(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
}

export const silentLogger: StoreLogger = {
  warn() {},
  info() {},
};

/** Collects what a write transaction wants done once it has committed. */
export class TxScope {
  readonly notices: MailboxChange[] = [];
  readonly unreferenced: ReapCandidate[] = [];

  notify(change: MailboxChange): void {
    this.notices.push(change);
  }

  /** A blob row was deleted: its file goes once the deletion is committed. */
  dropFile(candidate: ReapCandidate): void {
    this.unreferenced.push(candidate);
  }
}

export class StoreContext {
  private readonly statements = new Map<string, Statement>();
  closed = false;

  constructor(
    readonly db: SqliteDatabase,
    readonly dataDir: string,
    readonly mailRoot: string,
    readonly logger: StoreLogger,
    readonly blobs: BlobStore,
    readonly notifier: LocalNotifier,
    readonly sender: NotifySender,
    readonly reaper: Reaper,
  ) {}

  /** A prepared statement, compiled once per SQL text. */
  stmt(sql: string): Statement {
    let s = this.statements.get(sql);
    if (!s) {
      s = this.db.prepare(sql);
      this.statements.set(sql, s);
    }
    return s;
  }

  /** A prepared statement that returns only the first column of each row. */
  col(sql: string): Statement {
    const key = `col:${sql}`;
    let s = this.statements.get(key);
    if (!s) {
      s = this.db.prepare(sql).pluck();
      this.statements.set(key, s);
    }
    return s;
  }

  /** A prepared statement that returns rows as arrays (fastest for large listings). */
  rows(sql: string): Statement {
    const key = `raw:${sql}`;
    let s = this.statements.get(key);
    if (!s) {
      s = this.db.prepare(sql).raw(true);
      this.statements.set(key, s);
    }
    return s;
  }

  assertOpen(): void {
    if (this.closed) throw new MailError('MS_STORE_CLOSED');
  }

  /** Runs read-only work, mapping failures to the area's codes. */
  read<T>(area: DbArea, fn: () => T): T {
    this.assertOpen();
    try {
      return fn();
    } catch (err) {
      throw mapDbError(err, area, 'read');
    }
  }

  /**
   * Runs `fn` in one IMMEDIATE transaction (taking the write lock up front, so a busy database
   * fails fast with MS_LOCKED_* instead of deadlocking on upgrade). After the commit, change
   * notices go out and files no row points at any more are removed.
   */
  write<T>(area: DbArea, op: DbOp, fn: (tx: TxScope) => T): T {
    this.assertOpen();
    const tx = new TxScope();
    let result: T;
    try {
      result = this.db.transaction(() => fn(tx)).immediate();
    } catch (err) {
      throw mapDbError(err, area, op);
    }
    this.afterCommit(tx);
    return result;
  }

  /** Publishes a committed transaction's notices and schedules its file removals. */
  afterCommit(tx: TxScope): void {
    for (const change of tx.notices) this.notifier.emit(change);
    this.sender.send(tx.notices);
    if (tx.unreferenced.length > 0) this.reaper.schedule(tx.unreferenced);
  }

  /** Next value of a store-wide counter kept in `meta` (call inside a write transaction). */
  nextCounter(key: string, atLeast = 0): number {
    const row = this.stmt('SELECT value FROM meta WHERE key = ?').get(key) as { value: number } | undefined;
    const next = Math.max((row?.value ?? 0) + 1, atLeast);
    this.stmt('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run(
      key,
      next,
    );
    return next;
  }
}
