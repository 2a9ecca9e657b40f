/**
 * The start-up check: message files that no row points at (left by a crash between writing a
 * file and committing its row, or between a deleting commit and the unlink) are removed, as
 * are leftover temporary files (not those of a writer that is still running); rows whose file
 * is missing are reported. Another process's file that is renamed but not yet committed may be
 * removed here: that append notices at commit time and writes the file again.
 */
import fs from 'node:fs';
import path from 'node:path';
import { blobPath, FANOUT_DIR, HASH_HEX, TEMP_PREFIX, tempFileWriterAlive } from './blobs.js';
import type { StoreContext } from './context.js';

export interface StartupReport {
  orphansRemoved: number;
  tempFilesRemoved: number;
  /** Message files that rows point at but that are not on disk. */
  missingFiles: number;
}

function listDir(dir: string): fs.Dirent[] {
  try {
    return fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
}

/**
 * More unreferenced files than this, and more than the root's referenced ones, mean something
 * other than a crash (a root shared with another store, a database restored without its files):
 * then nothing is deleted and the administrator is told to look (msgstore check).
 */
const SUSPICIOUS_ORPHANS = 1000;

export function startupCheck(ctx: StoreContext): StartupReport {
  const report: StartupReport = { orphansRemoved: 0, tempFilesRemoved: 0, missingFiles: 0 };
  const roots = ctx.stmt('SELECT id, path FROM roots').all() as { id: number; path: string }[];
  const paths = new Map<string, number | null>(roots.map((r) => [r.path, r.id]));
  if (!paths.has(ctx.mailRoot)) paths.set(ctx.mailRoot, null);
  for (const [root, rootId] of paths) {
    const known = new Set<string>(
      rootId === null
        ? []
        : (ctx.col('SELECT hash FROM blobs WHERE root_id = ?').all(rootId) as Buffer[]).map((h) => h.toString('hex')),
    );
    // Only names this store makes are touched: a home directory may hold other things.
    const orphans: string[] = [];
    for (const dirEntry of listDir(root)) {
      if (!dirEntry.isDirectory() || !FANOUT_DIR.test(dirEntry.name)) continue;
      const dir = path.join(root, dirEntry.name);
      for (const entry of listDir(dir)) {
        if (!entry.isFile()) continue;
        const file = path.join(dir, entry.name);
        if (entry.name.startsWith(TEMP_PREFIX)) {
          if (!tempFileWriterAlive(entry.name) && ctx.blobs.removeSync(file)) report.tempFilesRemoved++;
        } else if (HASH_HEX.test(entry.name) && !known.has(entry.name) && !ctx.blobs.isPinned(file)) {
          orphans.push(file);
        }
      }
    }
    // A root no row has ever used holds no file of this store's own making that a crash could
    // have left, except in the rarest case: whatever is there belongs to someone else.
    if (rootId === null && orphans.length > 0) {
      ctx.logger.warn({ root, files: orphans.length }, 'message files in a mail root this store has not used yet are left alone');
    } else if (orphans.length > SUSPICIOUS_ORPHANS && orphans.length > known.size) {
      ctx.logger.warn(
        { root, unreferenced: orphans.length, referenced: known.size },
        'far more unreferenced message files than referenced ones: none removed; see `msgstore check`',
      );
    } else {
      for (const file of orphans) if (ctx.blobs.removeSync(file)) report.orphansRemoved++;
    }
    for (const hex of known) {
      const file = blobPath(root, hex);
      if (ctx.blobs.exists(file)) continue;
      report.missingFiles++;
      const messages = ctx
        .stmt(
          `SELECT m.mailbox_id AS mailboxId, m.uid FROM messages m JOIN blobs b ON b.id = m.blob_id
           WHERE b.root_id = ? AND b.hash = ? LIMIT 20`,
        )
        .all(rootId, Buffer.from(hex, 'hex'));
      ctx.logger.warn({ file, messages }, 'message file is missing');
    }
  }
  if (report.orphansRemoved > 0 || report.tempFilesRemoved > 0) {
    ctx.logger.info(report, 'start-up check removed unreferenced message files');
  }
  return report;
}
