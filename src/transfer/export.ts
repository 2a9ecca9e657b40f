/**
 * `msgstore export maildir|mbox`: writes a user's mailboxes out, with LF line ends as Unix mail
 * tools expect. Maildir: Maildir++ layout (".A.B" folders), flags in the file names, keywords
 * in dovecot-keywords, the internal date as the file's mtime. Mbox: one mboxrd file per mailbox.
 */
import { mkdirSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { encodeMailboxName } from '../imap/protocol/mutf7.js';
import type { MailboxInfo, Owner, Store } from '../store/types.js';
import { formatDovecotKeywords, maildirInfo } from './maildir-flags.js';
import { formatMboxMessage, toLf } from './mbox.js';

export interface ExportReport {
  folders: string[];
  messages: number;
  bytes: number;
}

export interface ExportOptions {
  /** Only this mailbox (and its children). */
  mailbox?: string;
  hostname: string;
  onTotal?: (total: number) => void;
  onMessage?: () => void;
}

async function selectMailboxes(store: Store, owner: Owner, only: string | undefined): Promise<MailboxInfo[]> {
  const all = await store.listMailboxes(owner);
  if (!only) return all;
  await store.getMailbox(owner, only); // MS_MBX_REC_NOT_FOUND when it does not exist
  return all.filter((m) => m.name === only || m.name.startsWith(only + '/'));
}

async function countMessages(store: Store, mailboxes: MailboxInfo[]): Promise<number> {
  let total = 0;
  for (const m of mailboxes) total += (await store.mailboxStatus(m.id)).messages;
  return total;
}

function maildirDirFor(dest: string, name: string): string {
  if (name === 'INBOX') return dest;
  const levels = name.split('/').map((level) => encodeMailboxName(level).replace(/\./g, '&AC4-'));
  return join(dest, '.' + levels.join('.'));
}

export async function exportMaildir(store: Store, owner: Owner, dest: string, options: ExportOptions): Promise<ExportReport> {
  const mailboxes = await selectMailboxes(store, owner, options.mailbox);
  options.onTotal?.(await countMessages(store, mailboxes));
  const report: ExportReport = { folders: [], messages: 0, bytes: 0 };
  for (const mailbox of mailboxes) {
    const dir = maildirDirFor(dest, mailbox.name);
    for (const sub of ['cur', 'new', 'tmp']) mkdirSync(join(dir, sub), { recursive: true });
    const messages = await store.listMessages(mailbox.id);
    const keywords = [...new Set(messages.flatMap((m) => m.flags.filter((f) => !f.startsWith('\\'))))].sort();
    const { text, letters } = formatDovecotKeywords(keywords);
    if (text) writeFileSync(join(dir, 'dovecot-keywords'), text);
    for (const meta of messages) {
      const raw = toLf(await store.readMessage(mailbox.id, meta.uid));
      const seconds = Math.floor(meta.internalDate.getTime() / 1000);
      const file = join(dir, 'cur', `${seconds}.M${meta.uid}U${mailbox.uidValidity}.${options.hostname},S=${raw.length}${maildirInfo(meta.flags, letters)}`);
      writeFileSync(file, raw);
      utimesSync(file, meta.internalDate, meta.internalDate);
      report.messages++;
      report.bytes += raw.length;
      options.onMessage?.();
    }
    report.folders.push(mailbox.name);
  }
  return report;
}

export async function exportMbox(store: Store, owner: Owner, dest: string, options: ExportOptions): Promise<ExportReport> {
  const mailboxes = await selectMailboxes(store, owner, options.mailbox);
  options.onTotal?.(await countMessages(store, mailboxes));
  mkdirSync(dest, { recursive: true });
  const report: ExportReport = { folders: [], messages: 0, bytes: 0 };
  for (const mailbox of mailboxes) {
    // One file per mailbox, "A/B" as A.sbd/B like Thunderbird; names are encoded, never raw paths.
    const levels = mailbox.name.split('/').map((level) => encodeMailboxName(level).replace(/^\.+/, (dots) => '&AC4-'.repeat(dots.length)));
    const file = join(dest, ...levels.slice(0, -1).map((l) => `${l}.sbd`), levels[levels.length - 1]!);
    mkdirSync(join(file, '..'), { recursive: true });
    const chunks: Buffer[] = [];
    for (const meta of await store.listMessages(mailbox.id)) {
      const raw = toLf(await store.readMessage(mailbox.id, meta.uid));
      chunks.push(formatMboxMessage(withStatusHeaders(raw, meta.flags), '', meta.internalDate));
      report.messages++;
      report.bytes += raw.length;
      options.onMessage?.();
    }
    writeFileSync(file, Buffer.concat(chunks));
    report.folders.push(mailbox.name);
  }
  return report;
}

/** Adds Status/X-Status headers for the flags unless the message carries them already. */
function withStatusHeaders(rawLf: Buffer, flags: readonly string[]): Buffer {
  const end = rawLf.indexOf('\n\n');
  const header = rawLf.subarray(0, end < 0 ? rawLf.length : end).toString('latin1');
  if (/^(X-)?Status:/im.test(header)) return rawLf;
  const status = flags.includes('\\Seen') ? 'RO' : 'O';
  const x = [flags.includes('\\Answered') ? 'A' : '', flags.includes('\\Flagged') ? 'F' : '', flags.includes('\\Draft') ? 'T' : '', flags.includes('\\Deleted') ? 'D' : ''].join('');
  const extra = `Status: ${status}\n${x ? `X-Status: ${x}\n` : ''}`;
  const at = end < 0 ? rawLf.length : end + 1;
  return Buffer.concat([rawLf.subarray(0, at), Buffer.from(extra, 'latin1'), rawLf.subarray(at)]);
}
