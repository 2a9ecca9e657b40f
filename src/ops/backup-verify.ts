/**
 * Checking a backup directory before anything is restored from it: the manifest reads, the
 * database is the very file the manifest describes and passes SQLite's own check, its counts
 * match, and every message file is there with the size and SHA-256 its row names.
 */
import fs from 'node:fs';
import path from 'node:path';
import { MailError } from '../store/errors.js';
import { MIGRATIONS } from '../store/sqlite/schema.js';
import { DB_FILE, MANIFEST_FILE, backupFilePath, manifestSchema, type BackupManifest } from './backup-format.js';
import type { OpsProgress } from './backup.js';
import { exists, fail, forEachLimited, sha256File } from './files.js';
import { countRows, openCopy, type SqliteDb } from './sqlite-files.js';

export interface VerifiedBackup {
  dir: string;
  manifest: BackupManifest;
  /** Every message file of the copy: its root id, hash (hex) and size. */
  files: { rootId: number; hex: string; size: number }[];
}

/** How many problems a refusal lists before "and n more". */
const LISTED = 5;

function refuse(problems: string[]): never {
  const listed = problems.slice(0, LISTED).join('; ');
  const more = problems.length > LISTED ? ` (and ${problems.length - LISTED} more)` : '';
  throw new MailError('MS_CANNOT_READ_SOURCE_DB', `The backup is damaged: ${listed}${more}`);
}

async function readManifest(dir: string): Promise<BackupManifest> {
  const file = path.join(dir, MANIFEST_FILE);
  let text: string;
  try {
    text = await fs.promises.readFile(file, 'utf8');
  } catch (err) {
    throw fail('MS_CANNOT_READ_SOURCE_DB', `Cannot read ${file}`, err);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw fail('MS_CANNOT_READ_SOURCE_DB', `${file} is not valid JSON`, err);
  }
  const parsed = manifestSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new MailError('MS_CANNOT_READ_SOURCE_DB', `${file} is not a msgstore backup manifest${issue ? ` (${issue.path.join('.')}: ${issue.message})` : ''}`);
  }
  return parsed.data;
}

function checkDatabase(db: SqliteDb, manifest: BackupManifest): string[] {
  const problems: string[] = [];
  const quick = db.prepare('PRAGMA quick_check').pluck().all() as string[];
  if (quick.length !== 1 || quick[0] !== 'ok') problems.push(`the database fails SQLite's check (${quick.slice(0, 2).join(', ')})`);
  const version = Number(db.pragma('user_version', { simple: true }));
  if (version !== manifest.schemaVersion) problems.push(`schema version ${version}, the manifest says ${manifest.schemaVersion}`);
  for (const table of ['users', 'shared', 'mailboxes', 'messages'] as const) {
    const n = countRows(db, table);
    if (n !== manifest.counts[table]) problems.push(`${n} ${table} in the database, the manifest says ${manifest.counts[table]}`);
  }
  const roots = db.prepare('SELECT id, path FROM roots ORDER BY id').all() as { id: number; path: string }[];
  const listed = new Map(manifest.roots.map((r) => [r.id, r.path]));
  if (roots.length !== listed.size || roots.some((r) => listed.get(r.id) !== r.path)) problems.push('the message roots differ from the manifest');
  const dangling = Number(db.prepare('SELECT count(*) FROM messages m LEFT JOIN blobs b ON b.id = m.blob_id WHERE b.id IS NULL').pluck().get());
  if (dangling > 0) problems.push(`${dangling} messages without a message file row`);
  return problems;
}

/** Checks the backup at `dir`; throws MS_SOURCE_DB_NOT_FOUND, MS_CANNOT_OPEN_SOURCE_DB or MS_CANNOT_READ_SOURCE_DB. */
export async function verifyBackup(dirIn: string, onProgress?: (p: OpsProgress) => void): Promise<VerifiedBackup> {
  const dir = path.resolve(dirIn);
  const dbFile = path.join(dir, DB_FILE);
  if (!(await exists(dbFile)) || !(await exists(path.join(dir, MANIFEST_FILE)))) {
    throw new MailError('MS_SOURCE_DB_NOT_FOUND', `No msgstore backup in ${dir} (${DB_FILE} and ${MANIFEST_FILE} are needed)`);
  }
  const manifest = await readManifest(dir);
  const newest = MIGRATIONS.reduce((max, m) => Math.max(max, m.version), 0);
  if (manifest.schemaVersion > newest) {
    throw new MailError('MS_CANNOT_READ_SOURCE_DB', `The backup was made by a newer msgstore (schema ${manifest.schemaVersion}; this one knows ${newest})`);
  }
  const problems: string[] = [];
  const stat = await fs.promises.stat(dbFile);
  if (stat.size !== manifest.database.bytes || (await sha256File(dbFile)) !== manifest.database.sha256) {
    refuse(['the database file is not the one the manifest describes']);
  }
  const db = openCopy(dbFile, { readonly: true });
  let files: VerifiedBackup['files'];
  try {
    problems.push(...checkDatabase(db, manifest));
    const rows = db.prepare('SELECT root_id, hash, size FROM blobs').raw(true).all() as [number, Buffer, number][];
    files = rows.map(([rootId, hash, size]) => ({ rootId, hex: hash.toString('hex'), size }));
  } catch (err) {
    if (err instanceof MailError) throw err;
    throw fail('MS_CANNOT_READ_SOURCE_DB', `Cannot read ${dbFile}`, err);
  } finally {
    db.close();
  }
  if (files.length !== manifest.counts.files) problems.push(`${files.length} message files in the database, the manifest says ${manifest.counts.files}`);
  if (problems.length > 0) refuse(problems);

  let done = 0;
  onProgress?.({ phase: 'verify', done, total: files.length });
  await forEachLimited(files, 4, async (f) => {
    const file = backupFilePath(dir, f.rootId, f.hex);
    try {
      const size = (await fs.promises.stat(file)).size;
      if (size !== f.size) problems.push(`${path.relative(dir, file)} has ${size} bytes, not ${f.size}`);
      else if ((await sha256File(file)) !== f.hex) problems.push(`${path.relative(dir, file)} does not match its hash`);
    } catch {
      problems.push(`${path.relative(dir, file)} is missing`);
    }
    onProgress?.({ phase: 'verify', done: ++done, total: files.length });
  });
  if (problems.length > 0) refuse(problems);
  return { dir, manifest, files };
}
