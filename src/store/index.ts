/**
 * The Message Store entry point: the Store interface, its errors, name rules, and the embedded
 * SQLite implementation (`openStore`).
 */
export * from './types.js';
export * from './errors.js';
export { validateMailboxName, normalizeMailboxName, MAILBOX_DELIMITER } from './names.js';
export {
  createSqliteStore,
  createSqliteStore as openStore,
  SqliteStore,
  startNotifyListener,
  type SqliteStoreOptions,
  type NotifyListener,
  type StoreLogger,
  type StartupReport,
  type BlobIo,
} from './sqlite/index.js';
