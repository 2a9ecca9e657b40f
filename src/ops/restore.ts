/**
 * `msgstore restore`: brings a backup back into a data directory that has no store yet (or,
 * with force, replaces the one it has while no server runs on it). The backup is checked in
 * full first; message files go in place before the database appears, and the database is
 * renamed into place last, so an interrupted restore leaves no store that points at missing
 * files. The backup's default message root becomes the target's; home directories keep
 * their paths.
 */
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { MailError } from '../store/errors.js';
import { FANOUT_DIR, HASH_HEX, TEMP_PREFIX, blobPath } from '../store/sqlite/blobs.js';
import { DB_FILE, TLS_DIR, backupFilePath, type BackupManifest } from './backup-format.js';
import { verifyBackup } from './backup-verify.js';
import type { OpsProgress } from './backup.js';
import { DirectoryMaker, copyFileDurably, exists, fail, forEachLimited, fsyncDirectory } from './files.js';
import { openCopy } from './sqlite-files.js';

export interface RestoreOptions {
  /** The backup directory. */
  source: string;
  /** The data directory to restore into. */
  dataDir: string;
  /** Its default message root. */
  mailRoot: string;
  /** Replace an existing store (never while a server runs on it). */
  force?: boolean;
  onProgress?: (progress: OpsProgress) => void;
}

export interface RestoreReport {
  dataDir: string;
  manifest: BackupManifest;
  /** Message roots as they were in the backup and where they are now. */
  roots: { from: string; to: string }[];
  filesCopied: number;
  filesPresent: number;
  replaced: boolean;
  seconds: number;
}

/** True when a server listens on the data directory's notify socket. */
async function serverRunning(dataDir: string): Promise<boolean> {
  const socketPath = path.join(dataDir, 'run', 'notify.sock');
  if (!(await exists(socketPath))) return false;
  return new Promise((resolve) => {
    const socket = net.createConnection(socketPath);
    const done = (answer: boolean): void => {
      socket.destroy();
      resolve(answer);
    };
    socket.setTimeout(1000, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** Message files (or their temporaries) directly under a root, in the store's own layout. */
async function storeFilesUnder(root: string): Promise<string[]> {
  const found: string[] = [];
  const top = await fs.promises.readdir(root, { withFileTypes: true }).catch(() => [] as fs.Dirent[]);
  for (const dir of top) {
    if (!dir.isDirectory() || !FANOUT_DIR.test(dir.name)) continue;
    const entries = await fs.promises.readdir(path.join(root, dir.name)).catch(() => [] as string[]);
    for (const name of entries) if (HASH_HEX.test(name) || name.startsWith(TEMP_PREFIX)) found.push(path.join(root, dir.name, name));
  }
  return found;
}

async function prepareTarget(dataDir: string, mailRoot: string, force: boolean): Promise<boolean> {
  if (await serverRunning(dataDir)) {
    throw new MailError('MS_CANNOT_WRITE_TARGET_DB', `A server is running on ${dataDir}; stop it before restoring`);
  }
  const dbFile = path.join(dataDir, DB_FILE);
  const hasStore = await exists(dbFile);
  const files = await storeFilesUnder(mailRoot);
  if ((hasStore || files.length > 0) && !force) {
    throw new MailError('MS_CANNOT_CREATE_TARGET_DB', `${dataDir} already holds a message store; restore into an empty data directory or use --force`);
  }
  try {
    await fs.promises.mkdir(dataDir, { recursive: true });
    await fs.promises.mkdir(mailRoot, { recursive: true });
    for (const suffix of ['', '-wal', '-shm', '-journal']) await fs.promises.rm(`${dbFile}${suffix}`, { force: true });
    for (const file of files) await fs.promises.rm(file, { force: true });
  } catch (err) {
    throw fail('MS_CANNOT_CREATE_TARGET_DB', `Cannot prepare ${dataDir}`, err);
  }
  return hasStore || files.length > 0;
}

/** Where each of the backup's roots goes: its default root becomes the target's. */
function mapRoots(manifest: BackupManifest, mailRoot: string): Map<number, { from: string; to: string }> {
  const mapped = new Map<number, { from: string; to: string }>();
  const used = new Set<string>();
  for (const root of manifest.roots) {
    const to = root.path === manifest.source.mailRoot ? mailRoot : root.path;
    if (used.has(to)) throw new MailError('MS_CANNOT_CREATE_TARGET_DB', `Two message roots of the backup would both go to ${to}`);
    used.add(to);
    mapped.set(root.id, { from: root.path, to });
  }
  return mapped;
}

async function restoreTls(backupDir: string, dataDir: string, force: boolean): Promise<void> {
  const from = path.join(backupDir, TLS_DIR);
  const to = path.join(dataDir, TLS_DIR);
  if (!(await exists(from)) || ((await exists(to)) && !force)) return;
  await fs.promises.mkdir(to, { recursive: true, mode: 0o700 });
  for (const name of await fs.promises.readdir(from)) {
    await fs.promises.rm(path.join(to, name), { force: true });
    await copyFileDurably(path.join(from, name), path.join(to, name));
  }
}

export async function restoreStore(options: RestoreOptions): Promise<RestoreReport> {
  const started = Date.now();
  const dataDir = path.resolve(options.dataDir);
  const mailRoot = path.resolve(options.mailRoot);
  const backup = await verifyBackup(options.source, options.onProgress);
  const roots = mapRoots(backup.manifest, mailRoot);
  const replaced = await prepareTarget(dataDir, mailRoot, options.force ?? false);

  // Message files first: content-addressed, so one already in place is the same message.
  const dirs = new DirectoryMaker();
  let copied = 0;
  let present = 0;
  let done = 0;
  options.onProgress?.({ phase: 'files', done, total: backup.files.length });
  await forEachLimited(backup.files, 8, async (f) => {
    const root = roots.get(f.rootId);
    if (!root) throw new MailError('MS_CANNOT_READ_SOURCE_DB', `The backup has a file under an unknown root ${f.rootId}`);
    const to = blobPath(root.to, f.hex);
    const existing = await fs.promises.stat(to).catch(() => null);
    if (existing?.isFile() && existing.size === f.size) {
      present++;
    } else {
      await dirs.ensure(path.dirname(to));
      if (existing) await fs.promises.rm(to, { force: true });
      if ((await copyFileDurably(backupFilePath(backup.dir, f.rootId, f.hex), to)) === 'source-missing') {
        throw new MailError('MS_CANNOT_READ_SOURCE_DB', `${backupFilePath(backup.dir, f.rootId, f.hex)} disappeared during the restore`);
      }
      copied++;
    }
    options.onProgress?.({ phase: 'files', done: ++done, total: backup.files.length });
  });
  for (const dir of dirs.dirs) await fsyncDirectory(dir);

  // Then the database, under a temporary name until its roots point at the target.
  const target = path.join(dataDir, DB_FILE);
  const temp = `${target}.restoring`;
  await fs.promises.rm(temp, { force: true });
  if ((await copyFileDurably(path.join(backup.dir, DB_FILE), temp)) === 'source-missing') {
    throw new MailError('MS_SOURCE_DB_NOT_FOUND', `${path.join(backup.dir, DB_FILE)} disappeared during the restore`);
  }
  try {
    const db = openCopy(temp);
    try {
      db.transaction(() => {
        const update = db.prepare('UPDATE roots SET path = ? WHERE id = ?');
        for (const [id, root] of roots) if (root.from !== root.to) update.run(root.to, id);
      })();
    } finally {
      db.close();
    }
    await fs.promises.rename(temp, target);
    await fsyncDirectory(dataDir);
  } catch (err) {
    await fs.promises.rm(temp, { force: true }).catch(() => undefined);
    if (err instanceof MailError) throw err;
    throw fail('MS_CANNOT_WRITE_TARGET_DB', `Cannot write ${target}`, err);
  }
  await restoreTls(backup.dir, dataDir, options.force ?? false);
  return {
    dataDir,
    manifest: backup.manifest,
    roots: [...roots.values()],
    filesCopied: copied,
    filesPresent: present,
    replaced,
    seconds: (Date.now() - started) / 1000,
  };
}
