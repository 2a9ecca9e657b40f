/**
 * File-system steps shared by backup and restore: durable copies (temporary name, fsync,
 * rename, fsync of the folder), streaming SHA-256 of a file, and running a bounded number of
 * jobs at once.
 */
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { MailError, isDiskFullError, type MailErrorCode } from '../store/errors.js';

export function errnoCode(err: unknown): string | undefined {
  return (err as NodeJS.ErrnoException | undefined)?.code;
}

export function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

export function fail(code: MailErrorCode, message: string, err?: unknown): MailError {
  return new MailError(code, message, err === undefined ? undefined : { cause: err, detail: describe(err) });
}

export async function fsyncDirectory(dir: string): Promise<void> {
  const handle = await fs.promises.open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

async function fsyncFile(file: string): Promise<void> {
  const handle = await fs.promises.open(file, 'r+');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

export type CopyResult = 'copied' | 'source-missing' | 'damaged';

/**
 * Copies `from` to `to` so that `to` either does not exist or is complete and on disk.
 * A missing source is an answer, not an error; a failure says which side failed
 * (MS_CANNOT_READ_SOURCE_DB or MS_CANNOT_WRITE_TARGET_DB).
 */
export async function copyFileDurably(from: string, to: string): Promise<CopyResult> {
  const temp = path.join(path.dirname(to), `.tmp-restore-${path.basename(to)}-${process.pid}-${randomBytes(4).toString('hex')}`);
  try {
    await fs.promises.copyFile(from, temp, fs.constants.COPYFILE_EXCL);
    await fsyncFile(temp);
    await fs.promises.rename(temp, to);
    return 'copied';
  } catch (err) {
    await fs.promises.rm(temp, { force: true }).catch(() => undefined);
    if (errnoCode(err) === 'ENOENT' && !(await exists(from))) return 'source-missing';
    if (isDiskFullError(err)) throw fail('MS_CANNOT_WRITE_TARGET_DB', `No space left to write ${to}`, err);
    const readable = await fs.promises.access(from, fs.constants.R_OK).then(
      () => true,
      () => false,
    );
    if (!readable) throw fail('MS_CANNOT_READ_SOURCE_DB', `Cannot read ${from}`, err);
    throw fail('MS_CANNOT_WRITE_TARGET_DB', `Cannot write ${to}`, err);
  }
}

/**
 * Copies a message file like copyFileDurably, hashing it on the way: a file whose content is
 * not what its name (the SHA-256) says is not kept ('damaged').
 */
export async function copyMessageFile(from: string, to: string, expectedHex: string): Promise<CopyResult> {
  const temp = path.join(path.dirname(to), `.tmp-copy-${path.basename(to)}-${process.pid}-${randomBytes(4).toString('hex')}`);
  const hash = createHash('sha256');
  const hashing = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      hash.update(chunk);
      done(null, chunk);
    },
  });
  let source: fs.ReadStream;
  try {
    source = fs.createReadStream(from);
    await new Promise<void>((resolve, reject) => {
      source.once('open', () => resolve());
      source.once('error', reject);
    });
  } catch (err) {
    if (errnoCode(err) === 'ENOENT') return 'source-missing';
    throw fail('MS_CANNOT_READ_SOURCE_DB', `Cannot read ${from}`, err);
  }
  let wrote = false;
  try {
    const target = fs.createWriteStream(temp, { flags: 'wx', mode: 0o640 });
    target.once('open', () => (wrote = true));
    await pipeline(source, hashing, target);
    if (hash.digest('hex') !== expectedHex) {
      await fs.promises.rm(temp, { force: true });
      return 'damaged';
    }
    await fsyncFile(temp);
    await fs.promises.rename(temp, to);
    return 'copied';
  } catch (err) {
    await fs.promises.rm(temp, { force: true }).catch(() => undefined);
    if (isDiskFullError(err)) throw fail('MS_CANNOT_WRITE_TARGET_DB', `No space left to write ${to}`, err);
    if (!wrote) throw fail('MS_CANNOT_WRITE_TARGET_DB', `Cannot write ${to}`, err);
    throw fail('MS_CANNOT_COPY_SOURCE_DB', `Cannot copy ${from}`, err);
  }
}

export async function exists(file: string): Promise<boolean> {
  try {
    await fs.promises.stat(file);
    return true;
  } catch {
    return false;
  }
}

export async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256');
  const stream = fs.createReadStream(file);
  for await (const chunk of stream) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** Runs `job` over every item with at most `width` running at once; stops at the first failure. */
export async function forEachLimited<T>(items: readonly T[], width: number, job: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  let failed = false;
  const worker = async (): Promise<void> => {
    while (!failed && next < items.length) {
      const item = items[next++] as T;
      try {
        await job(item);
      } catch (err) {
        failed = true;
        throw err;
      }
    }
  };
  const workers: Promise<void>[] = [];
  for (let i = 0; i < Math.min(width, items.length); i++) workers.push(worker());
  await Promise.all(workers);
}

/** Creates each fan-out folder once (the first copy into it makes it). */
export class DirectoryMaker {
  private readonly made = new Map<string, Promise<void>>();

  ensure(dir: string): Promise<void> {
    let job = this.made.get(dir);
    if (!job) {
      job = fs.promises.mkdir(dir, { recursive: true }).then(
        () => undefined,
        (err: unknown) => {
          throw fail(isDiskFullError(err) ? 'MS_CANNOT_WRITE_TARGET_DB' : 'MS_CANNOT_CREATE_TARGET_DB', `Cannot create ${dir}`, err);
        },
      );
      this.made.set(dir, job);
    }
    return job;
  }

  /** Every folder made so far and the folders holding them (their new entries), for the closing fsyncs. */
  get dirs(): string[] {
    const all = new Set<string>();
    for (const dir of this.made.keys()) {
      all.add(dir);
      all.add(path.dirname(dir));
      all.add(path.dirname(path.dirname(dir)));
    }
    return [...all];
  }
}
