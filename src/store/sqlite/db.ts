/**
 * Opening the SQLite database and turning SQLite failures into typed MailError codes.
 * Each store operation names the "database" (area) it works on, as the original product had
 * one database per area; a lock or I/O failure then maps to that area's code.
 */
import fs from 'node:fs';
import Database from 'better-sqlite3';
import { MailError, type MailErrorCode } from '../errors.js';

export type SqliteDatabase = Database.Database;

/** The areas of the store, named after the original product's databases. */
export type DbArea = 'USER' | 'SHARED' | 'MBX' | 'MSGSTAT' | 'MSGENV' | 'MSGBODY';
/** What the failing operation was doing; picks the MS_CANNOT_<op>_<area>_REC code. */
export type DbOp = 'read' | 'add' | 'update' | 'delete';

interface SqliteFailure {
  code: string;
  message: string;
}

function sqliteFailure(err: unknown): SqliteFailure | null {
  if (err instanceof Database.SqliteError) return { code: err.code, message: err.message };
  return null;
}

/** True for "database is locked/busy" failures (after the busy timeout ran out). */
export function isBusyError(err: unknown): boolean {
  const code = sqliteFailure(err)?.code ?? '';
  return code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED');
}

/** Maps any failure inside a store operation to a MailError; MailErrors pass through unchanged. */
export function mapDbError(err: unknown, area: DbArea, op: DbOp): MailError {
  if (err instanceof MailError) return err;
  const failure = sqliteFailure(err);
  const detail = failure ? `${failure.code}: ${failure.message}` : err instanceof Error ? err.message : String(err);
  if (isBusyError(err)) {
    return new MailError(`MS_LOCKED_${area}_DB`, undefined, { cause: err, detail });
  }
  if (failure?.code === 'SQLITE_NOMEM') return new MailError('MS_NO_MEM', undefined, { cause: err, detail });
  const code: MailErrorCode =
    op === 'read'
      ? `MS_CANNOT_OPEN_${area}_DB`
      : op === 'add'
        ? `MS_CANNOT_ADD_${area}_REC`
        : op === 'update'
          ? `MS_CANNOT_UPDATE_${area}_REC`
          : `MS_CANNOT_DELETE_${area}_REC`;
  return new MailError(code, undefined, { cause: err, detail });
}

/**
 * Opens (creating when missing) the database file with the pragmas the store relies on:
 * WAL (readers never wait for the writer), synchronous=FULL (a commit is on disk when it
 * returns), foreign keys, and a busy timeout for waiting on another process's write lock.
 * Any failure gives MS_CANNOT_OPEN_USER_DB, the first database the original product opened.
 */
export function openDatabase(file: string, busyTimeoutMs: number): SqliteDatabase {
  let db: SqliteDatabase | undefined;
  try {
    // A new database holds password hashes and the text index of every message: owner-only.
    // SQLite gives its -wal and -shm files the database file's permissions.
    if (file !== ':memory:' && !fs.existsSync(file)) fs.closeSync(fs.openSync(file, 'a', 0o600));
    db = new Database(file);
    db.pragma(`busy_timeout = ${Math.max(0, Math.floor(busyTimeoutMs))}`);
    const mode = db.pragma('journal_mode = WAL', { simple: true });
    if (String(mode).toLowerCase() !== 'wal') throw new Error(`journal_mode is ${String(mode)}, not WAL`);
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    // Touch the schema so a file that is not a database fails here, not at first use.
    db.prepare('SELECT count(*) FROM sqlite_master').get();
    return db;
  } catch (err) {
    try {
      db?.close();
    } catch {
      // Closing a half-opened handle can fail too; the open failure is what matters.
    }
    if (err instanceof MailError) throw err;
    if (isBusyError(err)) {
      throw new MailError('MS_LOCKED_USER_DB', undefined, { cause: err, detail: describe(err) });
    }
    throw new MailError('MS_CANNOT_OPEN_USER_DB', `User database cannot be opened: ${file}`, {
      cause: err,
      detail: describe(err),
    });
  }
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Creates a directory (and parents), mapping failures to MS_CANNOT_CREATE_DIR. */
export function ensureDirectory(dir: string): void {
  try {
    fs.mkdirSync(dir, { recursive: true });
  } catch (err) {
    throw new MailError('MS_CANNOT_CREATE_DIR', `Directory cannot be created: ${dir}`, {
      cause: err,
      detail: describe(err),
    });
  }
}
