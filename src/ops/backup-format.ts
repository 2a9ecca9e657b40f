/**
 * The layout of a backup directory, shared by `msgstore backup` (which writes it) and
 * `msgstore restore` (which checks and reads it):
 *
 *   DEST/manifest.json          what was copied, with counts and the database's SHA-256
 *   DEST/msgstore.db            the database snapshot (one file, rollback journal mode)
 *   DEST/files/<root id>/<hh>/<sha256>   the message files, one folder per message root
 *   DEST/tls/                   the data directory's TLS certificate and key, when present
 */
import path from 'node:path';
import { z } from 'zod';

export const MANIFEST_FILE = 'manifest.json';
export const DB_FILE = 'msgstore.db';
export const FILES_DIR = 'files';
export const TLS_DIR = 'tls';
export const BACKUP_FORMAT = 'msgstore-backup';
export const BACKUP_FORMAT_VERSION = 1;

const count = z.number().int().min(0);

export const manifestSchema = z.object({
  format: z.literal(BACKUP_FORMAT),
  version: z.literal(BACKUP_FORMAT_VERSION),
  createdAt: z.string(),
  /** PRAGMA user_version of the copied database. */
  schemaVersion: count,
  source: z.object({ dataDir: z.string(), mailRoot: z.string() }),
  database: z.object({ sha256: z.string().regex(/^[0-9a-f]{64}$/), bytes: count }),
  counts: z.object({
    users: count,
    shared: count,
    mailboxes: count,
    messages: count,
    files: count,
    fileBytes: count,
  }),
  /** Every message root of the source, as registered in its `roots` table. */
  roots: z.array(z.object({ id: z.number().int().min(1), path: z.string(), files: count, bytes: count })),
  /**
   * Left out of the copy with their rows: files gone when they were copied (expunged after the
   * snapshot), and `damaged` files whose content did not match their hash.
   */
  dropped: z.object({ messages: count, files: count, damaged: count }),
  tls: z.boolean(),
});

export type BackupManifest = z.infer<typeof manifestSchema>;

/** Where a message file lies inside a backup directory. */
export function backupFilePath(backupDir: string, rootId: number, hashHex: string): string {
  return path.join(backupDir, FILES_DIR, String(rootId), hashHex.slice(0, 2), hashHex);
}
