/**
 * `msgstore import maildir|mbox`: brings a user's mail in from Dovecot, Courier, mutt or any
 * maildir/mbox tool, keeping flags and dates. Appends run a few at a time so they share the
 * store's group commit.
 */
import { readFile } from 'node:fs/promises';
import { MailError } from '../store/errors.js';
import type { Owner, Store } from '../store/types.js';
import { listMaildirFolders, listMaildirMessages } from './maildir.js';
import { flagsFromMboxHeaders, readMbox } from './mbox.js';

export interface ImportReport {
  folders: string[];
  messages: number;
  bytes: number;
}

export interface ImportOptions {
  /** Target mailbox for the source's top level; sub-folders go below it. Default INBOX (sub-folders at the top). */
  mailbox?: string;
  onTotal?: (total: number) => void;
  onMessage?: () => void;
}

/** Appends in flight: enough to fill each group commit and overlap the message-file fsyncs. */
const WINDOW = 64;

function targetName(base: string | undefined, sub: string): string {
  if (!base) return sub === '' ? 'INBOX' : sub;
  return sub === '' ? base : `${base}/${sub}`;
}

async function ensureMailbox(store: Store, owner: Owner, name: string) {
  return (await store.findMailbox(owner, name)) ?? (await store.createMailbox(owner, name));
}

/** Runs `work` over items with at most WINDOW in flight, failing on the first error. */
async function windowed<T>(items: Iterable<T> | AsyncIterable<T>, work: (item: T) => Promise<void>): Promise<void> {
  const running = new Set<Promise<void>>();
  let failure: unknown = null;
  for await (const item of items as AsyncIterable<T>) {
    if (failure) break;
    const p: Promise<void> = work(item).catch((err: unknown) => {
      failure ??= err;
    });
    running.add(p);
    void p.finally(() => running.delete(p));
    if (running.size >= WINDOW) await Promise.race(running);
  }
  await Promise.all(running);
  if (failure) throw failure;
}

export async function importMaildir(store: Store, owner: Owner, root: string, options: ImportOptions = {}): Promise<ImportReport> {
  const folders = listMaildirFolders(root);
  if (folders.length === 0) throw new MailError('MS_SOURCE_DB_NOT_FOUND', `${root} is not a maildir (no cur/ or new/ directory in it or its folders)`);
  const plan = folders.map((folder) => ({ folder, target: targetName(options.mailbox, folder.name), files: listMaildirMessages(folder) }));
  options.onTotal?.(plan.reduce((sum, p) => sum + p.files.length, 0));
  const report: ImportReport = { folders: [], messages: 0, bytes: 0 };
  for (const { target, files } of plan) {
    const mailbox = await ensureMailbox(store, owner, target);
    report.folders.push(target);
    await windowed(files, async (file) => {
      let raw: Buffer;
      try {
        raw = await readFile(file.path);
      } catch (err) {
        throw new MailError('MS_CANNOT_READ_SOURCE_DB', `cannot read ${file.path}: ${(err as Error).message}`);
      }
      await store.appendMessage(mailbox.id, raw, { flags: file.flags, internalDate: file.internalDate });
      report.messages++;
      report.bytes += raw.length;
      options.onMessage?.();
    });
  }
  return report;
}

export async function importMbox(store: Store, owner: Owner, path: string, options: ImportOptions = {}): Promise<ImportReport> {
  const target = options.mailbox ?? 'INBOX';
  const mailbox = await ensureMailbox(store, owner, target);
  const report: ImportReport = { folders: [target], messages: 0, bytes: 0 };
  try {
    await windowed(readMbox(path), async (message) => {
      await store.appendMessage(mailbox.id, message.raw, { flags: flagsFromMboxHeaders(message.raw), internalDate: message.internalDate ?? new Date() });
      report.messages++;
      report.bytes += message.raw.length;
      options.onMessage?.();
    });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new MailError('MS_SOURCE_DB_NOT_FOUND', `${path} does not exist`);
    throw err;
  }
  return report;
}
