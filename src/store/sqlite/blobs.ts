/**
 * Message files: one file per distinct content within a root directory, named only by its
 * SHA-256 (<root>/<first two hex digits>/<hash>), so no outside string ever reaches a path.
 * Writing is crash-safe: temporary name in the same directory, fsync the file, rename,
 * fsync the directory. 256 fan-out directories keep mkdir, directory fsyncs and the start-up
 * sweep cheap while ext4/xfs index large directories well.
 */
import fs from 'node:fs';
import path from 'node:path';
import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { MailError } from '../errors.js';

/** The one file-system step that tests replace to simulate a full disk. */
export interface BlobIo {
  /** Creates `file` (it must not exist yet), writes all of `data` and fsyncs it. */
  writeFileSynced(file: string, data: Buffer): Promise<void>;
}

export const defaultBlobIo: BlobIo = {
  async writeFileSynced(file, data) {
    const handle = await fs.promises.open(file, 'wx', 0o640);
    try {
      let offset = 0;
      while (offset < data.length) {
        const { bytesWritten } = await handle.write(data, offset, data.length - offset);
        offset += bytesWritten;
      }
      await handle.sync();
    } finally {
      await handle.close();
    }
  },
};

export const HASH_HEX = /^[0-9a-f]{64}$/;
export const FANOUT_DIR = /^[0-9a-f]{2}$/;
export const TEMP_PREFIX = '.tmp-';

/** A temporary name beside `file` that carries the writer's pid (see tempFileWriterAlive). */
function tempNameFor(file: string): string {
  return path.join(path.dirname(file), `${TEMP_PREFIX}${path.basename(file)}-${process.pid}-${randomBytes(6).toString('hex')}`);
}

/**
 * True when a temporary file belongs to another process that is still running (a server
 * writing while a short-lived process runs its start-up check): such a file is not left over.
 */
export function tempFileWriterAlive(name: string): boolean {
  const pid = Number(/^\.tmp-[0-9a-f]{64}-(\d+)-[0-9a-f]+$/.exec(name)?.[1] ?? NaN);
  if (!Number.isSafeInteger(pid) || pid <= 0 || pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function sha256(data: Buffer): Buffer {
  return createHash('sha256').update(data).digest();
}

export function blobPath(root: string, hashHex: string): string {
  return path.join(root, hashHex.slice(0, 2), hashHex);
}

function cannotCreate(file: string, err: unknown): MailError {
  const detail = err instanceof Error ? err.message : String(err);
  return new MailError('MS_CANNOT_CREATE_MSGFILE', undefined, { cause: err, detail: `${file}: ${detail}` });
}

function fsyncDirectorySync(dir: string): void {
  const fd = fs.openSync(dir, 'r');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

async function fsyncDirectory(dir: string): Promise<void> {
  const handle = await fs.promises.open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Directories from `first` (the outermost one mkdir created) down to `dir`, whose parents need an fsync. */
function createdChain(first: string | undefined, dir: string): string[] {
  if (!first) return [];
  const chain: string[] = [];
  let current = dir;
  while (current.length >= first.length) {
    chain.unshift(current);
    const parent = path.dirname(current);
    if (parent === current) break;
    current = parent;
  }
  return chain;
}

export class BlobStore {
  /** Writes in progress per final path: concurrent appends of the same content share one write. */
  private readonly inflight = new Map<string, Promise<void>>();
  /** Files an append in this process relies on until its row commits (the reaper skips them). */
  private readonly pins = new Map<string, number>();

  constructor(private readonly io: BlobIo = defaultBlobIo) {}

  pin(file: string): void {
    this.pins.set(file, (this.pins.get(file) ?? 0) + 1);
  }

  unpin(file: string): void {
    const n = (this.pins.get(file) ?? 0) - 1;
    if (n > 0) this.pins.set(file, n);
    else this.pins.delete(file);
  }

  isPinned(file: string): boolean {
    return this.pins.has(file) || this.inflight.has(file);
  }

  /** Puts `data` durably at its content path under `root`. Throws MS_CANNOT_CREATE_MSGFILE. */
  async write(root: string, hashHex: string, data: Buffer): Promise<string> {
    const file = blobPath(root, hashHex);
    const running = this.inflight.get(file);
    if (running) {
      await running;
      return file;
    }
    const job = this.writeOnce(file, data);
    this.inflight.set(file, job);
    try {
      await job;
    } finally {
      this.inflight.delete(file);
    }
    return file;
  }

  private async writeOnce(file: string, data: Buffer): Promise<void> {
    const dir = path.dirname(file);
    // A second attempt covers another process's start-up sweep removing our temporary file.
    for (let attempt = 1; ; attempt++) {
      let temp: string | null = null;
      try {
        const first = await fs.promises.mkdir(dir, { recursive: true });
        for (const created of createdChain(first, dir)) await fsyncDirectory(path.dirname(created));
        temp = tempNameFor(file);
        await this.io.writeFileSynced(temp, data);
        await fs.promises.rename(temp, file);
        temp = null;
        await fsyncDirectory(dir);
        return;
      } catch (err) {
        if (temp) await fs.promises.rm(temp, { force: true }).catch(() => undefined);
        const vanished = (err as NodeJS.ErrnoException).code === 'ENOENT';
        if (!vanished || attempt >= 2) throw cannotCreate(file, err);
      }
    }
  }

  /**
   * The synchronous variant, used only inside a commit when a file that was there a moment
   * ago has gone (another process's start-up sweep or reaper removed it).
   */
  writeSync(file: string, data: Buffer): void {
    const dir = path.dirname(file);
    const temp = tempNameFor(file);
    try {
      fs.mkdirSync(dir, { recursive: true });
      const fd = fs.openSync(temp, 'wx', 0o640);
      try {
        fs.writeFileSync(fd, data);
        fs.fsyncSync(fd);
      } finally {
        fs.closeSync(fd);
      }
      fs.renameSync(temp, file);
      fsyncDirectorySync(dir);
    } catch (err) {
      fs.rmSync(temp, { force: true });
      throw cannotCreate(file, err);
    }
  }

  pathFor(root: string, hashHex: string): string {
    return blobPath(root, hashHex);
  }

  async existsAsync(file: string): Promise<boolean> {
    try {
      return (await fs.promises.stat(file)).isFile();
    } catch {
      return false;
    }
  }

  exists(file: string): boolean {
    try {
      return fs.statSync(file).isFile();
    } catch {
      return false;
    }
  }

  /** Removes a file; a file already gone is fine. Returns false when removal failed. */
  removeSync(file: string): boolean {
    try {
      fs.rmSync(file, { force: true });
      return true;
    } catch {
      return false;
    }
  }

  /** Reads [start, end) (clamped to the file) or the whole file. Throws MS_MSGFILE_NOT_FOUND. */
  async read(file: string, range?: { start: number; end: number }): Promise<Buffer> {
    let handle: fs.promises.FileHandle;
    try {
      handle = await fs.promises.open(file, 'r');
    } catch (err) {
      throw missing(file, err);
    }
    try {
      const size = (await handle.stat()).size;
      const start = Math.min(Math.max(0, range?.start ?? 0), size);
      const end = Math.min(Math.max(start, range?.end ?? size), size);
      const out = Buffer.allocUnsafe(end - start);
      let done = 0;
      while (done < out.length) {
        const { bytesRead } = await handle.read(out, done, out.length - done, start + done);
        if (bytesRead === 0) break;
        done += bytesRead;
      }
      return done === out.length ? out : out.subarray(0, done);
    } finally {
      await handle.close();
    }
  }

  /** A stream of [start, end) or the whole file, read lazily with backpressure. */
  async stream(file: string, range?: { start: number; end: number }): Promise<NodeJS.ReadableStream> {
    let handle: fs.promises.FileHandle;
    try {
      handle = await fs.promises.open(file, 'r');
    } catch (err) {
      throw missing(file, err);
    }
    const size = (await handle.stat()).size;
    const start = Math.min(Math.max(0, range?.start ?? 0), size);
    const end = Math.min(Math.max(start, range?.end ?? size), size);
    if (end === start) {
      await handle.close();
      return Readable.from([]);
    }
    return handle.createReadStream({ start, end: end - 1, autoClose: true });
  }
}

function missing(file: string, err: unknown): MailError {
  const detail = err instanceof Error ? err.message : String(err);
  return new MailError('MS_MSGFILE_NOT_FOUND', undefined, { cause: err, detail: `${file}: ${detail}` });
}
