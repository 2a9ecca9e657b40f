/**
 * Store totals for /metrics, read from the mailboxes' own counters (one small table, so a
 * scrape costs next to nothing however much mail there is). A connection of its own that can
 * only read, opened on first use and kept until close().
 */
import path from 'node:path';
import Database from 'better-sqlite3';
import type { SqliteDb } from './sqlite-files.js';

export interface StoreTotals {
  mailboxes: number;
  messages: number;
  /** Sum of the mailboxes' sizes (a message copied into two mailboxes counts twice). */
  bytes: number;
}

export class StoreStatsReader {
  private db: SqliteDb | null = null;

  constructor(private readonly dbFile: string) {}

  static forDataDir(dataDir: string): StoreStatsReader {
    return new StoreStatsReader(path.join(dataDir, 'msgstore.db'));
  }

  read(): StoreTotals {
    if (!this.db) {
      const db = new Database(this.dbFile, { fileMustExist: true });
      db.pragma('busy_timeout = 1000');
      db.pragma('query_only = ON');
      this.db = db;
    }
    const row = this.db
      .prepare('SELECT count(*) AS mailboxes, COALESCE(sum(message_count), 0) AS messages, COALESCE(sum(total_size), 0) AS bytes FROM mailboxes')
      .get() as StoreTotals;
    return row;
  }

  close(): void {
    this.db?.close();
    this.db = null;
  }
}
