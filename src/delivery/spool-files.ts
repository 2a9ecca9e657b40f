/**
 * File operations of the spool: atomic writes (tmp/ then rename, fsynced), moves into done/ and
 * failed/ without overwriting, and reason files. Names come from the spool directory listing,
 * never from message contents.
 */
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { formatSpoolFile, type SpoolEnvelope } from './spool-format.js';

export const SPOOL_SUBDIRS = ['tmp', 'done', 'failed'] as const;

/** Names the agent picks up: no dot files, no path tricks, no reason files. */
export function isSpoolName(name: string): boolean {
  return /^[A-Za-z0-9][A-Za-z0-9._-]{0,200}$/.test(name) && !name.endsWith('.reason');
}

export function newSpoolName(): string {
  return `${Date.now()}.${process.pid}.${randomBytes(6).toString('hex')}`;
}

async function syncDir(dir: string): Promise<void> {
  const handle = await fs.open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Writes `bytes` to dir/tmp/<name>, fsyncs, and renames it to target (atomically replacing it). */
export async function writeAtomically(spoolDir: string, target: string, bytes: Buffer): Promise<void> {
  const tmp = join(spoolDir, 'tmp', `${newSpoolName()}.tmp`);
  const handle = await fs.open(tmp, 'wx', 0o640);
  try {
    await handle.writeFile(bytes);
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await fs.rename(tmp, target);
  } catch (err) {
    await fs.rm(tmp, { force: true });
    throw err;
  }
  await syncDir(join(target, '..'));
}

/**
 * Queues a message into the spool the way any writer should (also used by tests and tools).
 * Returns the spool file's name.
 */
export async function writeSpoolFile(spoolDir: string, envelope: SpoolEnvelope, message: Buffer): Promise<string> {
  await fs.mkdir(join(spoolDir, 'tmp'), { recursive: true });
  const name = newSpoolName();
  await writeAtomically(spoolDir, join(spoolDir, name), formatSpoolFile(envelope, message));
  return name;
}

/** A free name in dir: `name`, else `name.1`, `name.2`, ... */
async function freeName(dir: string, name: string): Promise<string> {
  for (let i = 0; i < 10_000; i++) {
    const candidate = i === 0 ? name : `${name}.${i}`;
    try {
      await fs.lstat(join(dir, candidate));
    } catch {
      return candidate;
    }
  }
  return `${name}.${newSpoolName()}`;
}

/** Moves spool/<name> into spool/<sub>/ (never overwriting); returns the name it got there. */
export async function moveInto(spoolDir: string, sub: 'done' | 'failed', name: string): Promise<string> {
  const dir = join(spoolDir, sub);
  const target = await freeName(dir, name);
  await fs.rename(join(spoolDir, name), join(dir, target));
  await syncDir(dir);
  await syncDir(spoolDir);
  return target;
}

/** Writes a new file into spool/<sub>/ (e.g. the part of a message that failed for some recipients). */
export async function writeInto(spoolDir: string, sub: 'done' | 'failed', name: string, bytes: Buffer): Promise<string> {
  const dir = join(spoolDir, sub);
  const target = await freeName(dir, name);
  await writeAtomically(spoolDir, join(dir, target), bytes);
  return target;
}

/** failed/<name>.reason: first line the LM_* code, then details. */
export async function writeReason(spoolDir: string, failedName: string, lines: string[]): Promise<void> {
  await writeAtomically(spoolDir, join(spoolDir, 'failed', `${failedName}.reason`), Buffer.from(lines.join('\n') + '\n', 'utf8'));
}
