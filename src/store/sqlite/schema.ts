/**
 * The database schema as an ordered list of migration steps. PRAGMA user_version records how
 * many steps have run; each step runs in its own transaction, so a crash mid-migration leaves
 * the database at the previous version.
 */
import type { SqliteDatabase } from './db.js';

export interface Migration {
  version: number;
  description: string;
  up(db: SqliteDatabase): void;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'users, shared mailboxes, mailboxes, messages, blobs, search, queue, settings',
    up(db) {
      db.exec(`
        CREATE TABLE meta (
          key TEXT PRIMARY KEY,
          value INTEGER NOT NULL
        ) WITHOUT ROWID;

        CREATE TABLE settings (
          key TEXT PRIMARY KEY,
          value TEXT NOT NULL
        ) WITHOUT ROWID;

        CREATE TABLE users (
          id INTEGER PRIMARY KEY,
          address TEXT NOT NULL UNIQUE,
          first_name TEXT NOT NULL DEFAULT '',
          last_name TEXT NOT NULL DEFAULT '',
          password_hash TEXT NOT NULL,
          home TEXT,
          quota_bytes INTEGER,
          disabled INTEGER NOT NULL DEFAULT 0,
          apop_secret TEXT,
          created_at INTEGER NOT NULL
        );

        CREATE TABLE shared (
          id INTEGER PRIMARY KEY,
          address TEXT NOT NULL UNIQUE,
          display_name TEXT NOT NULL DEFAULT '',
          home TEXT,
          created_at INTEGER NOT NULL
        );

        CREATE TABLE shared_members (
          shared_id INTEGER NOT NULL REFERENCES shared(id) ON DELETE CASCADE,
          user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
          PRIMARY KEY (shared_id, user_id)
        ) WITHOUT ROWID;
        CREATE INDEX shared_members_by_user ON shared_members(user_id);

        -- owner_kind: 0 = user, 1 = shared mailbox; owner_id is users.id or shared.id.
        CREATE TABLE mailboxes (
          id INTEGER PRIMARY KEY,
          owner_kind INTEGER NOT NULL CHECK (owner_kind IN (0, 1)),
          owner_id INTEGER NOT NULL,
          name TEXT NOT NULL,
          uid_validity INTEGER NOT NULL,
          uid_next INTEGER NOT NULL DEFAULT 1,
          highest_modseq INTEGER NOT NULL DEFAULT 1,
          recent_mark INTEGER NOT NULL DEFAULT 1,
          special_use TEXT,
          message_count INTEGER NOT NULL DEFAULT 0,
          total_size INTEGER NOT NULL DEFAULT 0,
          UNIQUE (owner_kind, owner_id, name)
        );

        CREATE TABLE subscriptions (
          user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
          name TEXT NOT NULL,
          PRIMARY KEY (user_id, name)
        ) WITHOUT ROWID;

        -- Directories that hold message files (the default mail root and every home in use).
        CREATE TABLE roots (
          id INTEGER PRIMARY KEY,
          path TEXT NOT NULL UNIQUE
        );

        -- One row per message file: content-addressed within its root, reference-counted.
        CREATE TABLE blobs (
          id INTEGER PRIMARY KEY,
          root_id INTEGER NOT NULL REFERENCES roots(id),
          hash BLOB NOT NULL,
          size INTEGER NOT NULL,
          refs INTEGER NOT NULL,
          UNIQUE (root_id, hash)
        );

        -- What the MIME module computed once for a file's bytes; s_* columns are lower-cased
        -- decoded header values for case-insensitive SEARCH without opening the file.
        CREATE TABLE contents (
          blob_id INTEGER PRIMARY KEY REFERENCES blobs(id) ON DELETE CASCADE,
          envelope TEXT NOT NULL,
          body_structure TEXT NOT NULL,
          body TEXT NOT NULL,
          tree TEXT NOT NULL,
          headers TEXT NOT NULL,
          s_subject TEXT NOT NULL,
          s_from TEXT NOT NULL,
          s_to TEXT NOT NULL,
          s_cc TEXT NOT NULL,
          s_bcc TEXT NOT NULL,
          message_id TEXT NOT NULL,
          sent_date INTEGER
        );

        -- Lower-cased decoded text; rowid = blobs.id. Trigram gives substring matches for 3+ chars.
        CREATE VIRTUAL TABLE content_text USING fts5(headers, body, tokenize = 'trigram');

        -- flags: bit mask of the system flags; keywords: space-separated, NULL when none.
        CREATE TABLE messages (
          mailbox_id INTEGER NOT NULL REFERENCES mailboxes(id),
          uid INTEGER NOT NULL,
          modseq INTEGER NOT NULL,
          flags INTEGER NOT NULL DEFAULT 0,
          keywords TEXT,
          internal_date INTEGER NOT NULL,
          size INTEGER NOT NULL,
          blob_id INTEGER NOT NULL,
          PRIMARY KEY (mailbox_id, uid)
        ) WITHOUT ROWID;

        CREATE TABLE filters (
          user_id INTEGER PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
          text TEXT NOT NULL,
          version INTEGER NOT NULL,
          updated_at INTEGER NOT NULL
        );

        CREATE TABLE vacation_replies (
          user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
          sender TEXT NOT NULL,
          sent_at INTEGER NOT NULL,
          PRIMARY KEY (user_id, sender)
        ) WITHOUT ROWID;

        CREATE TABLE outbound (
          id INTEGER PRIMARY KEY,
          kind TEXT NOT NULL CHECK (kind IN ('forward', 'vacation')),
          sender TEXT NOT NULL,
          recipients TEXT NOT NULL,
          raw BLOB NOT NULL,
          attempts INTEGER NOT NULL DEFAULT 0,
          created_at INTEGER NOT NULL,
          next_attempt_at INTEGER NOT NULL,
          last_error TEXT
        );
        CREATE INDEX outbound_due ON outbound(next_attempt_at, id);
      `);
    },
  },
];

/** Brings the database up to the newest schema; returns the versions before and after. */
export function migrate(db: SqliteDatabase, migrations: readonly Migration[] = MIGRATIONS): { from: number; to: number } {
  const current = (): number => Number(db.pragma('user_version', { simple: true }));
  const from = current();
  const newest = migrations.reduce((max, m) => Math.max(max, m.version), 0);
  if (from > newest) {
    throw new Error(`database schema version ${from} is newer than this program (${newest})`);
  }
  for (const step of [...migrations].sort((a, b) => a.version - b.version)) {
    // Re-read inside the write lock: another process may have migrated meanwhile.
    db.transaction(() => {
      if (current() >= step.version) return;
      step.up(db);
      db.pragma(`user_version = ${step.version}`);
    }).immediate();
  }
  return { from, to: current() };
}
