/**
 * `msgstore backup`: a consistent copy of a running store. The database is copied with
 * SQLite's online backup on a connection of its own (a snapshot; the server keeps writing),
 * then the message files the snapshot refers to, hashed on the way. A file expunged and
 * removed between the snapshot and its copy is left out, and so are the rows that pointed at
 * it, so the copy is self-consistent; so is a file whose content no longer matches its hash
 * (damaged on disk), which the manifest counts. The manifest, written last, says what the copy holds; a directory without
 * one is not a finished backup.
 */
import fs from 'node:fs';
import path from 'node:path';
import { MailError } from '../store/errors.js';
import { blobPath } from '../store/sqlite/blobs.js';
import {
  BACKUP_FORMAT,
  BACKUP_FORMAT_VERSION,
  DB_FILE,
  MANIFEST_FILE,
  TLS_DIR,
  backupFilePath,
  type BackupManifest,
} from './backup-format.js';
import { DirectoryMaker, copyFileDurably, copyMessageFile, errnoCode, exists, fail, forEachLimited, fsyncDirectory, sha256File } from './files.js';
import { countRows, openCopy, openSource, type SqliteDb } from './sqlite-files.js';

export interface OpsProgress {
  phase: 'database' | 'files' | 'verify';
  done: number;
  total: number;
}

export interface BackupOptions {
  /** The data directory holding msgstore.db. */
  dataDir: string;
  /** The default message root of that data directory. */
  mailRoot: string;
  /** The backup directory; it must not exist or be empty. */
  dest: string;
  onProgress?: (progress: OpsProgress) => void;
  /** Files copied at once. */
  concurrency?: number;
}

export interface BackupReport {
  dest: string;
  manifest: BackupManifest;
  seconds: number;
}

interface BlobRow {
  id: number;
  rootId: number;
  hex: string;
  size: number;
}

/** Prepares DEST: created when missing, refused when it holds anything. Returns whether it was created. */
async function prepareDestination(dest: string): Promise<boolean> {
  let entries: string[];
  try {
    entries = await fs.promises.readdir(dest);
  } catch (err) {
    if (errnoCode(err) !== 'ENOENT') throw fail('MS_CANNOT_CREATE_TARGET_DB', `Cannot use ${dest} as the backup directory`, err);
    try {
      // Mail is private: only the owner may enter the backup.
      await fs.promises.mkdir(dest, { recursive: true, mode: 0o700 });
    } catch (mkdirErr) {
      throw fail('MS_CANNOT_CREATE_TARGET_DB', `Cannot create the backup directory ${dest}`, mkdirErr);
    }
    return true;
  }
  if (entries.length > 0) throw new MailError('MS_CANNOT_CREATE_TARGET_DB', `The backup directory ${dest} is not empty`);
  return false;
}

/** The online backup; when another process's writes restart it, the rest goes in one step. */
async function snapshotDatabase(source: SqliteDb, target: string, onProgress?: (p: OpsProgress) => void): Promise<void> {
  let lastRemaining = Number.POSITIVE_INFINITY;
  try {
    const done = await source.backup(target, {
      progress({ totalPages, remainingPages }) {
        onProgress?.({ phase: 'database', done: totalPages - remainingPages, total: totalPages });
        const restarted = remainingPages > lastRemaining;
        lastRemaining = remainingPages;
        return restarted ? 0x7fffffff : Math.max(100, Math.ceil(totalPages / 20));
      },
    });
    onProgress?.({ phase: 'database', done: done.totalPages, total: done.totalPages });
  } catch (err) {
    await fs.promises.rm(target, { force: true }).catch(() => undefined);
    if (errnoCode(err) === 'ENOSPC' || /SQLITE_FULL|disk is full/i.test(String(err))) {
      throw fail('MS_CANNOT_WRITE_TARGET_DB', `No space left to write ${target}`, err);
    }
    throw fail('MS_CANNOT_COPY_SOURCE_DB', 'The database could not be copied', err);
  }
}

function readBlobs(copy: SqliteDb): BlobRow[] {
  const rows = copy.prepare('SELECT id, root_id, hash, size FROM blobs ORDER BY root_id, hash').raw(true).all() as [number, number, Buffer, number][];
  return rows.map(([id, rootId, hash, size]) => ({ id, rootId, hex: hash.toString('hex'), size }));
}

/** Removes from the copy every row that needs a file which could not be copied. */
function dropRows(copy: SqliteDb, blobIds: readonly number[]): number {
  let messages = 0;
  const perMailbox = copy.prepare(
    'SELECT mailbox_id AS mailboxId, count(*) AS n, sum(size) AS bytes FROM messages WHERE blob_id = ? GROUP BY mailbox_id',
  );
  const fixMailbox = copy.prepare(
    'UPDATE mailboxes SET message_count = message_count - ?, total_size = total_size - ?, highest_modseq = highest_modseq + 1 WHERE id = ?',
  );
  const deleteMessages = copy.prepare('DELETE FROM messages WHERE blob_id = ?');
  const deleteText = copy.prepare('DELETE FROM content_text WHERE rowid = ?');
  const deleteContents = copy.prepare('DELETE FROM contents WHERE blob_id = ?');
  const deleteBlob = copy.prepare('DELETE FROM blobs WHERE id = ?');
  copy.transaction(() => {
    for (const blobId of blobIds) {
      for (const row of perMailbox.all(blobId) as { mailboxId: number; n: number; bytes: number }[]) {
        fixMailbox.run(row.n, row.bytes, row.mailboxId);
        messages += row.n;
      }
      deleteMessages.run(blobId);
      deleteText.run(blobId);
      deleteContents.run(blobId);
      deleteBlob.run(blobId);
    }
  })();
  return messages;
}

async function copyTls(dataDir: string, dest: string): Promise<boolean> {
  const from = path.join(dataDir, TLS_DIR);
  let names: string[];
  try {
    names = (await fs.promises.readdir(from, { withFileTypes: true })).filter((e) => e.isFile()).map((e) => e.name);
  } catch {
    return false;
  }
  if (names.length === 0) return false;
  const to = path.join(dest, TLS_DIR);
  await fs.promises.mkdir(to, { recursive: true, mode: 0o700 });
  for (const name of names) await copyFileDurably(path.join(from, name), path.join(to, name));
  return true;
}

export async function backupStore(options: BackupOptions): Promise<BackupReport> {
  const started = Date.now();
  const dataDir = path.resolve(options.dataDir);
  const mailRoot = path.resolve(options.mailRoot);
  const dest = path.resolve(options.dest);
  const sourceDb = path.join(dataDir, DB_FILE);
  if (!(await exists(sourceDb))) throw new MailError('MS_SOURCE_DB_NOT_FOUND', `Message store database not found: ${sourceDb}`);
  const source = openSource(sourceDb);
  let prepared: { created: boolean } | null = null;
  let copy: SqliteDb | null = null;
  try {
    prepared = { created: await prepareDestination(dest) };
    const copyDb = path.join(dest, DB_FILE);
    await snapshotDatabase(source, copyDb, options.onProgress);
    // The copy holds password hashes: owner-only even in a destination the admin made beforehand.
    await fs.promises.chmod(copyDb, 0o600);
    source.close();
    copy = openCopy(copyDb);

    const roots = copy.prepare('SELECT id, path FROM roots ORDER BY id').all() as { id: number; path: string }[];
    const rootPath = new Map(roots.map((r) => [r.id, r.path]));
    const blobs = readBlobs(copy);
    const missing: BlobRow[] = [];
    let damaged = 0;
    const dirs = new DirectoryMaker();
    let done = 0;
    options.onProgress?.({ phase: 'files', done, total: blobs.length });
    await forEachLimited(blobs, options.concurrency ?? 8, async (blob) => {
      const root = rootPath.get(blob.rootId);
      const to = backupFilePath(dest, blob.rootId, blob.hex);
      await dirs.ensure(path.dirname(to));
      const result = root === undefined ? 'source-missing' : await copyMessageFile(blobPath(root, blob.hex), to, blob.hex);
      if (result !== 'copied') missing.push(blob);
      if (result === 'damaged') damaged++;
      options.onProgress?.({ phase: 'files', done: ++done, total: blobs.length });
    });
    for (const dir of dirs.dirs) await fsyncDirectory(dir);

    const droppedMessages = missing.length > 0 ? dropRows(copy, missing.map((b) => b.id)) : 0;
    const gone = new Set(missing);
    const kept = gone.size > 0 ? blobs.filter((b) => !gone.has(b)) : blobs;
    const schemaVersion = Number(copy.pragma('user_version', { simple: true }));
    const counts = {
      users: countRows(copy, 'users'),
      shared: countRows(copy, 'shared'),
      mailboxes: countRows(copy, 'mailboxes'),
      messages: countRows(copy, 'messages'),
      files: kept.length,
      fileBytes: kept.reduce((sum, b) => sum + b.size, 0),
    };
    copy.close();
    copy = null;

    const manifest: BackupManifest = {
      format: BACKUP_FORMAT,
      version: BACKUP_FORMAT_VERSION,
      createdAt: new Date(started).toISOString(),
      schemaVersion,
      source: { dataDir, mailRoot },
      database: { sha256: await sha256File(copyDb), bytes: (await fs.promises.stat(copyDb)).size },
      counts,
      roots: roots.map((r) => {
        const mine = kept.filter((b) => b.rootId === r.id);
        return { id: r.id, path: r.path, files: mine.length, bytes: mine.reduce((sum, b) => sum + b.size, 0) };
      }),
      dropped: { messages: droppedMessages, files: missing.length, damaged },
      tls: await copyTls(dataDir, dest),
    };
    await writeManifest(dest, manifest);
    return { dest, manifest, seconds: (Date.now() - started) / 1000 };
  } catch (err) {
    copy?.close();
    if (source.open) source.close();
    // An unfinished copy is removed so nobody mistakes it for a backup.
    if (prepared?.created) await fs.promises.rm(dest, { recursive: true, force: true }).catch(() => undefined);
    else if (prepared) await clearDirectory(dest);
    throw err;
  }
}

async function writeManifest(dest: string, manifest: BackupManifest): Promise<void> {
  const file = path.join(dest, MANIFEST_FILE);
  const temp = `${file}.tmp`;
  try {
    await fs.promises.writeFile(temp, JSON.stringify(manifest, null, 2) + '\n', { flag: 'wx' });
    const handle = await fs.promises.open(temp, 'r+');
    await handle.sync().finally(() => handle.close());
    await fs.promises.rename(temp, file);
    await fsyncDirectory(dest);
  } catch (err) {
    throw fail('MS_CANNOT_WRITE_TARGET_DB', `Cannot write ${file}`, err);
  }
}

async function clearDirectory(dir: string): Promise<void> {
  const entries = await fs.promises.readdir(dir).catch(() => [] as string[]);
  for (const name of entries) await fs.promises.rm(path.join(dir, name), { recursive: true, force: true }).catch(() => undefined);
}
