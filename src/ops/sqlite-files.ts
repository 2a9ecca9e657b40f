/**
 * Opening msgstore databases for the operations tools, outside the store: the live database
 * as a backup source (a connection of its own that never writes), and copies of it.
 */
import Database from 'better-sqlite3';
import { fail } from './files.js';

export type SqliteDb = Database.Database;

const BUSY_TIMEOUT_MS = 5000;

/** The tables a msgstore database has; a file without them is not one. */
const REQUIRED_TABLES = ['users', 'shared', 'mailboxes', 'messages', 'blobs', 'roots', 'contents'];

function checkIsStore(db: SqliteDb, file: string): void {
  let names: Set<string>;
  try {
    names = new Set(db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all() as string[]);
  } catch (err) {
    throw fail('MS_CANNOT_READ_SOURCE_DB', `Cannot read ${file}`, err);
  }
  const absent = REQUIRED_TABLES.filter((t) => !names.has(t));
  if (absent.length > 0) throw fail('MS_CANNOT_READ_SOURCE_DB', `${file} is not a msgstore database (no ${absent.join(', ')} table)`);
}

/** Opens `file` with `open`, checks SQLite can read it and that it is a msgstore database. */
function openStoreDatabase(file: string, open: () => SqliteDb): SqliteDb {
  let db: SqliteDb;
  try {
    db = open();
    db.prepare('SELECT count(*) FROM sqlite_master').get();
  } catch (err) {
    throw fail('MS_CANNOT_OPEN_SOURCE_DB', `Cannot open ${file}`, err);
  }
  try {
    checkIsStore(db, file);
  } catch (err) {
    db.close();
    throw err;
  }
  return db;
}

/** The live database, for reading only (query_only: this connection can never write). */
export function openSource(file: string): SqliteDb {
  return openStoreDatabase(file, () => {
    const db = new Database(file, { fileMustExist: true });
    db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    db.pragma('query_only = ON');
    return db;
  });
}

/** A copy being finished or checked: one file, rollback journal, foreign keys on. */
export function openCopy(file: string, options: { readonly?: boolean } = {}): SqliteDb {
  return openStoreDatabase(file, () => {
    const db = new Database(file, { fileMustExist: true, readonly: options.readonly ?? false });
    if (!options.readonly) {
      db.pragma('journal_mode = DELETE');
      db.pragma('foreign_keys = ON');
    }
    return db;
  });
}

export function countRows(db: SqliteDb, table: 'users' | 'shared' | 'mailboxes' | 'messages' | 'blobs'): number {
  return Number(db.prepare(`SELECT count(*) FROM ${table}`).pluck().get());
}
